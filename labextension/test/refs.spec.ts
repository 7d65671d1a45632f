import { outputEntries } from '../src/model';
import { isItemRef } from '../src/refs';

describe('item references (the one JSON shape of model/refs.py ItemRef.to_json())', () => {
  it('tells a reference from other values', () => {
    expect(isItemRef({ id: 'i1', key: 'df', artifactType: 'file' })).toBe(true);
    expect(isItemRef({ id: 'i1', artifactType: null })).toBe(true);
    expect(isItemRef({ id: 'i1' })).toBe(false);
    expect(isItemRef({ item_id: 'i1', artifact_type: 'file' })).toBe(false);
    expect(isItemRef({ id: 1, artifactType: 'file' })).toBe(false);
    expect(isItemRef(null)).toBe(false);
    expect(isItemRef('i1')).toBe(false);
  });

  it('flattens an output into items and values', () => {
    const ref = { id: 'i1', key: 'df', artifactType: 'file' };
    expect(outputEntries(ref)).toEqual([{ key: 'output', itemId: 'i1', artifactType: 'file' }]);
    expect(outputEntries({ df: ref, n: 3 })).toEqual([
      { key: 'df', itemId: 'i1', artifactType: 'file' },
      { key: 'n', value: 3 }
    ]);
    expect(outputEntries([ref])).toEqual([{ key: '0', itemId: 'i1', artifactType: 'file' }]);
  });
});
