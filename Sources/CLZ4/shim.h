// The liblz4 headers RunLedger uses: the block API and the frame API.
// Only the `LZ4` module may import this (the tidy test enforces it).
#ifndef RUNLEDGER_CLZ4_SHIM_H
#define RUNLEDGER_CLZ4_SHIM_H
#include <lz4.h>
#include <lz4frame.h>
#endif
