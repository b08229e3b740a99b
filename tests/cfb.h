/* cfb.h: the header of an OLE compound file (the container of an .xls), as
 * the tests write one by hand: version 3, 512-byte sectors, one FAT sector
 * at sector 0, the directory at sector 1, and the mini FAT where asked.
 * Shared by tests/sheets/mkfixtures.c and tests/unit/check_sheetxls.c. */
#ifndef PP_TEST_CFB_H
#define PP_TEST_CFB_H

#include <stdint.h>
#include <string.h>

static inline void cfb_put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static inline void cfb_put32(unsigned char *p, uint32_t v)
{
	cfb_put16(p, v & 0xffff);
	cfb_put16(p + 2, v >> 16);
}

/* The first 512 bytes of f: the mini FAT at sector minifat (0xfffffffe:
 * none) of nminifat sectors; every other DIFAT entry free. */
static inline void cfb_header(unsigned char *f, uint32_t minifat, uint32_t nminifat)
{
	memcpy(f, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
	cfb_put16(f + 0x18, 0x3e);       /* minor version */
	cfb_put16(f + 0x1a, 3);          /* major version: 512-byte sectors */
	cfb_put16(f + 0x1c, 0xfffe);     /* byte order: little-endian */
	cfb_put16(f + 0x1e, 9);          /* sector shift: 512 */
	cfb_put16(f + 0x20, 6);          /* mini sector shift: 64 */
	cfb_put32(f + 0x2c, 1);          /* FAT sectors */
	cfb_put32(f + 0x30, 1);          /* the directory's first sector */
	cfb_put32(f + 0x38, 4096);       /* streams smaller than this live in the mini stream */
	cfb_put32(f + 0x3c, minifat);
	cfb_put32(f + 0x40, nminifat);
	cfb_put32(f + 0x44, 0xfffffffe); /* no DIFAT sectors */
	for (int i = 0; i < 109; i++)
		cfb_put32(f + 0x4c + 4 * i, i ? 0xffffffff : 0);
}

#endif
