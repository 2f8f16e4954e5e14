# hv build fragment (see GNUmakefile).
