# pvops-guest build fragment (see GNUmakefile).
