/* Error numbers, Linux's values (include/uapi/asm-generic/errno-base.h).
 * Kernel functions return them negated (-EIO). */
#ifndef KERNEL_ERRNO_H
#define KERNEL_ERRNO_H

#define EPERM           1
#define ESRCH           3
#define EINTR           4
#define ENOEXEC         8
#define EBADF           9
#define ECHILD         10
#define EACCES         13
#define ENOTDIR        20
#define EISDIR         21
#define EMFILE         24
#define ENOTTY         25
#define ESPIPE         29
#define ENAMETOOLONG   36
#define ENOENT          2
#define EIO             5
#define ENXIO           6
#define E2BIG           7
#define EAGAIN         11
#define ENOMEM         12
#define EFAULT         14
#define EBUSY          16
#define EEXIST         17
#define ENODEV         19
#define EINVAL         22
#define ENOSPC         28
#define EROFS          30
#define ERANGE         34
#define ENOSYS         38
#define EOPNOTSUPP     95
#define ETIMEDOUT     110

#endif
