"""The program's building blocks: the op tree (what one A-normal-form statement computes), node builders and the namer, and the names generated code binds."""
