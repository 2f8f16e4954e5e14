/*
 * Force-included into every hv C file (see hv/build.mk): every symbol,
 * declared or defined, is hidden, so -fpie code addresses all of them
 * RIP-relative instead of through a GOT.
 */
#ifndef __ASSEMBLY__
#pragma GCC visibility push(hidden)
#endif
