"""Records of a run: provenance, DataLad save/push, RO-Crate packaging."""
