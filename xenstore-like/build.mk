# xenstore-like build fragment (see GNUmakefile).
