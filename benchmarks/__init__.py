"""`make bench`: bookrdf measured against the naive way, side by side (docs/benchmarks.md).

run       the harness: catalogues, runs, medians, targets, the table and the JSON results
measure   child processes timed with their peak memory; the machine's description
naive     the baseline script: one rdflib Graph, rdflib's serialisers, one pyshacl run
"""
