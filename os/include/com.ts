/**
 * Endpoints of the boot-image processes (their slots, generation 0) and the number
 * ranges of each server's message types. Like MINIX's <minix/com.h>.
 */
export const PM_PROC_NR = 0;
export const VFS_PROC_NR = 1;
export const RS_PROC_NR = 2;
export const DS_PROC_NR = 3;
export const MFS_PROC_NR = 4;
export const BLK_PROC_NR = 5;
export const TTY_PROC_NR = 6;
export const INIT_PROC_NR = 7;

/** Message type ranges: requests to each server are numbered from its base. */
export const PM_BASE = 0x100;
export const VFS_BASE = 0x200;
export const FS_BASE = 0x300;
export const DS_BASE = 0x400;
export const RS_BASE = 0x500;
export const BDEV_BASE = 0x600;
export const CDEV_BASE = 0x700;
