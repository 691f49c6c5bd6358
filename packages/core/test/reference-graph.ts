/**
 * Brute-force reference answers for the property tests, over edges written `from>to` on nodes
 * 0..n-1: slow and obviously right, to check the detector's incremental graph against.
 */

/** Every pair `a>b` such that `b` is reachable from `a` over `edges` (Floyd–Warshall). */
export function closure(edges: Iterable<string>, n: number): Set<string> {
  const reach = new Set(edges);
  for (let via = 0; via < n; via++) {
    for (let from = 0; from < n; from++) {
      for (let to = 0; to < n; to++) {
        if (reach.has(`${from}>${via}`) && reach.has(`${via}>${to}`)) reach.add(`${from}>${to}`);
      }
    }
  }
  return reach;
}

/** Is there a cycle among `edges`: some node that reaches itself? */
export function hasCycle(edges: Iterable<string>, n: number): boolean {
  const reach = closure(edges, n);
  return Array.from({ length: n }, (_, node) => node).some((node) => reach.has(`${node}>${node}`));
}
