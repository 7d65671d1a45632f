/**
 * A unified diff turned into side-by-side rows: context on both sides, a run of removed
 * lines paired with the run of added lines that follows it. Pure (jest-tested).
 */
export interface ISide {
  n: number;
  text: string;
  kind: 'ctx' | 'del' | 'add';
}

export interface IRow {
  left?: ISide;
  right?: ISide;
  /** A hunk header (`@@ -1,3 +1,4 @@`) spans both sides. */
  hunk?: string;
}

const HUNK = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/;

export function sideBySide(unified: string): IRow[] {
  const rows: IRow[] = [];
  let left = 0;
  let right = 0;
  let dels: ISide[] = [];
  let adds: ISide[] = [];
  const flush = () => {
    for (let i = 0; i < Math.max(dels.length, adds.length); i++) {
      rows.push({ left: dels[i], right: adds[i] });
    }
    dels = [];
    adds = [];
  };
  for (const line of unified.split('\n')) {
    const hunk = HUNK.exec(line);
    if (hunk) {
      flush();
      left = Number(hunk[1]);
      right = Number(hunk[2]);
      rows.push({ hunk: line });
    } else if (line.startsWith('---') || line.startsWith('+++')) {
      continue; // file names: shown in the file title
    } else if (line.startsWith('-')) {
      dels.push({ n: left++, text: line.slice(1), kind: 'del' });
    } else if (line.startsWith('+')) {
      adds.push({ n: right++, text: line.slice(1), kind: 'add' });
    } else if (line.startsWith(' ')) {
      flush();
      rows.push({ left: { n: left++, text: line.slice(1), kind: 'ctx' }, right: { n: right++, text: line.slice(1), kind: 'ctx' } });
    }
  }
  flush();
  return rows;
}
