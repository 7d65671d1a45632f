/** Pure helpers over revision versions ("1.0.10" sorts after "1.0.9"). */

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(p => parseInt(p, 10));
  const pb = b.split('.').map(p => parseInt(p, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] || 0) - (pb[i] || 0);
    if (d !== 0) {
      return d;
    }
  }
  return 0;
}

export function sortVersions(versions: string[]): string[] {
  return [...versions].sort(compareVersions);
}

/** How many revisions are newer than `pinned`; null when unknown. */
export function behindCount(pinned: string, versions: string[] | undefined): number | null {
  if (!versions || versions.length === 0) {
    return null;
  }
  return versions.filter(v => compareVersions(v, pinned) > 0).length;
}

export function latestVersion(versions: string[]): string | null {
  const sorted = sortVersions(versions);
  return sorted.length ? sorted[sorted.length - 1] : null;
}

/** The revision just before `version`, the target of a roll back. */
export function previousVersion(version: string, versions: string[]): string | null {
  const older = sortVersions(versions).filter(v => compareVersions(v, version) < 0);
  return older.length ? older[older.length - 1] : null;
}
