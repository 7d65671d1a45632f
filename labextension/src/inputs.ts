/**
 * Turn the text typed into a generated form into the JSON value the server
 * expects for a FunctionIO type. Pure, so the deploy form stays render-only.
 */
import { IFunctionIO } from './types';

export type FieldKind = 'text' | 'number' | 'integer' | 'boolean' | 'json';

export function fieldKind(type: string): FieldKind {
  if (type.endsWith('[]') || type === 'Json') {
    return 'json';
  }
  switch (type) {
    case 'Number':
    case 'Float':
      return 'number';
    case 'Integer':
      return 'integer';
    case 'Boolean':
      return 'boolean';
    default:
      return 'text'; // String, and ids of Item, Dataset, Model...
  }
}

/** Parse one field; throws Error naming the input and the expected type. */
export function coerceInput(io: IFunctionIO, raw: string | boolean): unknown {
  const kind = fieldKind(io.type);
  if (kind === 'boolean') {
    return raw === true || raw === 'true';
  }
  const text = String(raw).trim();
  if (kind === 'text') {
    return String(raw);
  }
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch {
      throw new Error(`input '${io.name}' (${io.type}) is not valid JSON: ${text}`);
    }
  }
  const n = Number(text);
  if (text === '' || Number.isNaN(n) || (kind === 'integer' && !Number.isInteger(n))) {
    throw new Error(`input '${io.name}' must be ${kind === 'integer' ? 'a whole number' : 'a number'}, not '${text}'`);
  }
  return n;
}

/** Initial text of a field: the declared default, if any. */
export function initialText(io: IFunctionIO): string | boolean {
  if (io.defaultValue === undefined || io.defaultValue === null) {
    return fieldKind(io.type) === 'boolean' ? false : '';
  }
  if (fieldKind(io.type) === 'boolean') {
    return io.defaultValue === true;
  }
  return typeof io.defaultValue === 'string' ? io.defaultValue : JSON.stringify(io.defaultValue);
}

/** Collect all fields; blank optional fields (with a default) are left out. */
export function collectInputs(
  ios: IFunctionIO[],
  values: Record<string, string | boolean>
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const io of ios) {
    const raw = values[io.name] ?? initialText(io);
    if (raw === '' && io.defaultValue !== undefined) {
      continue;
    }
    if (raw === '' && fieldKind(io.type) !== 'text') {
      throw new Error(`input '${io.name}' (${io.type}) is required`);
    }
    out[io.name] = coerceInput(io, raw);
  }
  return out;
}

/** Every field checked at once: the values, or one message per bad field (shown beside it). */
export function checkInputs(
  ios: IFunctionIO[],
  values: Record<string, string | boolean>
): { input: Record<string, unknown>; errors: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const io of ios) {
    try {
      Object.assign(input, collectInputs([io], values));
    } catch (err) {
      errors[io.name] = (err as Error).message.replace(`input '${io.name}' `, '');
    }
  }
  return { input, errors };
}
