// CRC-32C (Castagnoli) with the CPU's own instruction where it has one (x86-64 SSE4.2, ARMv8
// CRC extension), else a portable table. The event log checksums every block it writes and
// reads; at tens of millions of records per second the instruction is the difference.
#ifndef RUNLEDGER_CRC32C_H
#define RUNLEDGER_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/// Continues `crc` (the value of the bytes before, 0 to start) over `length` bytes at `data`.
uint32_t runledger_crc32c_update(uint32_t crc, const void *data, size_t length);

/// 1 when the hardware instruction is in use, 0 for the table.
int runledger_crc32c_is_hardware(void);
#endif
