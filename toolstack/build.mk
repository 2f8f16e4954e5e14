# toolstack build fragment (see GNUmakefile).
