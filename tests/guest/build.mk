# guest tests (filled below)
