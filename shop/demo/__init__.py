"""Demo and benchmark data: ``ocop demo load`` (real OCOP products plus a generated fill) and
``ocop demo load --scale national`` (the benchmark size, bulk-inserted)."""
