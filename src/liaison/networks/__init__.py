"""Trafficking-network analysis over shared STIX objects (the drugs pillar).

`load` reads the objects a viewer may see, `graph` turns them into a graph, and the analyses work
on its undirected, simple form: `centrality` (degree, k-core, exact or sampled betweenness),
`dismantle` (a greedy removal order), `cut` (the minimum vertex cut between suppliers and
markets), `communities` (Leiden) and `paths` (shortest supplier-to-market routes). `export`
writes GraphML and GEXF; `service` joins them for `cli` and `routes`; `synthetic` and
`synthetic_raw` build test and benchmark networks with planted ground truth.
"""
