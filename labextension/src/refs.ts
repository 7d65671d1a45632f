/**
 * An item reference in its one JSON shape: Python's `ItemRef.to_json()`
 * (`faas_jupyter/model/refs.py`), the Item JSON's own keys, so `items/{id}` and
 * `items/{id}/preview` take the id it holds. REST sends an execution's output
 * items this way.
 */
export interface IItemRef {
  id: string;
  key?: string | null;
  artifactType?: string | null;
}

/** Is `v` an item reference (`{id: string, artifactType}`), as `is_item_ref_json` decides? */
export function isItemRef(v: unknown): v is IItemRef {
  return typeof v === 'object' && v !== null && typeof (v as IItemRef).id === 'string' && 'artifactType' in v;
}
