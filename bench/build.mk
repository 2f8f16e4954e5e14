# bench build fragment (see GNUmakefile).
