import { coerceInput, collectInputs, fieldKind } from '../src/inputs';
import { behindCount, latestVersion, previousVersion, sortVersions } from '../src/versions';
import { FINAL_STATUSES } from '../src/types';

describe('versions', () => {
  it('orders numerically, not as text', () => {
    expect(sortVersions(['1.0.10', '1.0.9', '1.1.0', '1.0.0'])).toEqual(['1.0.0', '1.0.9', '1.0.10', '1.1.0']);
    expect(latestVersion(['1.0.9', '1.0.10'])).toBe('1.0.10');
    expect(previousVersion('1.0.10', ['1.0.9', '1.0.10', '1.0.2'])).toBe('1.0.9');
    expect(previousVersion('1.0.0', ['1.0.0'])).toBeNull();
  });

  it('counts revisions newer than the pinned one', () => {
    expect(behindCount('1.0.1', ['1.0.0', '1.0.1', '1.0.2', '1.0.3'])).toBe(2);
    expect(behindCount('1.0.3', ['1.0.3'])).toBe(0);
    expect(behindCount('1.0.3', undefined)).toBeNull();
  });
});

describe('inputs', () => {
  it('maps Dataloop types to field kinds', () => {
    expect(['String', 'Integer', 'Float', 'Number', 'Boolean', 'Json', 'Item[]', 'Item'].map(fieldKind)).toEqual([
      'text', 'integer', 'number', 'number', 'boolean', 'json', 'json', 'text'
    ]);
  });

  it('coerces and rejects with the input name', () => {
    expect(coerceInput({ name: 'n', type: 'Integer' }, '5')).toBe(5);
    expect(() => coerceInput({ name: 'n', type: 'Integer' }, '1.5')).toThrow("input 'n' must be a whole number, not '1.5'");
    expect(() => coerceInput({ name: 't', type: 'Float' }, 'x')).toThrow(/'t' must be a number/);
    expect(coerceInput({ name: 'j', type: 'Json' }, '{"a": 1}')).toEqual({ a: 1 });
    expect(() => coerceInput({ name: 'j', type: 'Json' }, '{')).toThrow(/not valid JSON/);
    expect(coerceInput({ name: 'b', type: 'Boolean' }, true)).toBe(true);
  });

  it('collects a form, skipping blank optional fields and requiring the others', () => {
    const ios = [
      { name: 'threshold', type: 'Float', defaultValue: 0.5 },
      { name: 'limit', type: 'Integer' },
      { name: 'label', type: 'String' }
    ];
    expect(collectInputs(ios, { threshold: '', limit: '3', label: 'x' })).toEqual({ limit: 3, label: 'x' });
    expect(collectInputs(ios, { limit: '3' })).toEqual({ threshold: 0.5, limit: 3, label: '' });
    expect(() => collectInputs(ios, { label: 'x' })).toThrow("input 'limit' (Integer) is required");
  });
});

describe('statuses', () => {
  it('final statuses are every status but created and in-progress', () => {
    expect([...FINAL_STATUSES].sort()).toEqual(
      ['aborted', 'canceled', 'failed', 'success', 'system-failure', 'terminated']
    );
  });
});
