/*
 * vsnprintf and friends: the subset of C99 printf the kernel uses (see
 * kernel/sprintf.h). No floating point (the kernel is built with
 * -mgeneral-regs-only).
 */
#include <kernel/sprintf.h>
#include <kernel/string.h>

#define ZEROPAD  1u
#define LEFT     2u
#define PLUS     4u
#define SPACE    8u
#define SPECIAL 16u   /* '#' */

struct out {
	char *buf;
	size_t size;
	size_t pos;       /* may run past size: the would-be length */
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->size)
		o->buf[o->pos] = c;
	o->pos++;
}

static void pad(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void number(struct out *o, unsigned long long num, bool negative, unsigned int base,
		   bool upper, unsigned int flags, int width, int precision)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0;

	if (num == 0 && precision == 0) {
		/* "%.0d" of 0 prints no digits */
	} else {
		do {
			tmp[n++] = digits[num % base];
			num /= base;
		} while (num);
	}
	char sign = negative ? '-' : (flags & PLUS) ? '+' : (flags & SPACE) ? ' ' : 0;
	const char *prefix = (flags & SPECIAL) && base == 16 ? (upper ? "0X" : "0x") :
			     (flags & SPECIAL) && base == 8 ? "0" : "";
	int prefix_len = (int)strlen(prefix);
	int zeros = precision > n ? precision - n : 0;
	int len = n + zeros + (sign ? 1 : 0) + prefix_len;
	int fill = width > len ? width - len : 0;

	if (!(flags & LEFT) && !((flags & ZEROPAD) && precision < 0)) {
		pad(o, ' ', fill);
		fill = 0;
	}
	if (sign)
		put(o, sign);
	for (int i = 0; i < prefix_len; i++)
		put(o, prefix[i]);
	if (!(flags & LEFT)) {
		pad(o, '0', fill);    /* zero padding goes after the sign */
		fill = 0;
	}
	pad(o, '0', zeros);
	while (n--)
		put(o, tmp[n]);
	pad(o, ' ', fill);            /* left-justified */
}

static void string(struct out *o, const char *s, unsigned int flags, int width, int precision)
{
	if (!s)
		s = "(null)";
	int len = (int)strnlen(s, precision < 0 ? (size_t)-1 : (size_t)precision);

	if (!(flags & LEFT))
		pad(o, ' ', width - len);
	for (int i = 0; i < len; i++)
		put(o, s[i]);
	if (flags & LEFT)
		pad(o, ' ', width - len);
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE };

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		const char *start = fmt++;
		unsigned int flags = 0;
		int width = -1, precision = -1;
		enum length len = LEN_INT;

		for (;; fmt++) {
			if (*fmt == '-') flags |= LEFT;
			else if (*fmt == '0') flags |= ZEROPAD;
			else if (*fmt == '+') flags |= PLUS;
			else if (*fmt == ' ') flags |= SPACE;
			else if (*fmt == '#') flags |= SPECIAL;
			else break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				flags |= LEFT;
				width = -width;
			}
			fmt++;
		} else {
			for (width = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
				width = width * 10 + (*fmt - '0');
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				precision = va_arg(ap, int);
				fmt++;
			} else {
				for (precision = 0; *fmt >= '0' && *fmt <= '9'; fmt++)
					precision = precision * 10 + (*fmt - '0');
			}
		}
		if (*fmt == 'h') {
			len = fmt[1] == 'h' ? (fmt++, LEN_CHAR) : LEN_SHORT;
			fmt++;
		} else if (*fmt == 'l') {
			len = fmt[1] == 'l' ? (fmt++, LEN_LLONG) : LEN_LONG;
			fmt++;
		} else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j') {
			len = LEN_SIZE;
			fmt++;
		}

		unsigned long long u;
		long long s;
		switch (*fmt) {
		case 'd':
		case 'i':
			switch (len) {
			case LEN_LONG:  s = va_arg(ap, long); break;
			case LEN_LLONG: s = va_arg(ap, long long); break;
			case LEN_SIZE:  s = va_arg(ap, long); break;
			case LEN_SHORT: s = (short)va_arg(ap, int); break;
			case LEN_CHAR:  s = (signed char)va_arg(ap, int); break;
			default:        s = va_arg(ap, int); break;
			}
			number(&o, s < 0 ? 0ULL - (unsigned long long)s : (unsigned long long)s,
			       s < 0, 10, false, flags, width, precision);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			switch (len) {
			case LEN_LONG:  u = va_arg(ap, unsigned long); break;
			case LEN_LLONG: u = va_arg(ap, unsigned long long); break;
			case LEN_SIZE:  u = va_arg(ap, size_t); break;
			case LEN_SHORT: u = (unsigned short)va_arg(ap, unsigned int); break;
			case LEN_CHAR:  u = (unsigned char)va_arg(ap, unsigned int); break;
			default:        u = va_arg(ap, unsigned int); break;
			}
			number(&o, u, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X',
			       flags & ~(PLUS | SPACE), width, precision);
			break;
		case 'p':
			number(&o, (unsigned long)va_arg(ap, void *), false, 16, false,
			       (flags & ~(PLUS | SPACE)) | SPECIAL, width, precision);
			break;
		case 's':
			string(&o, va_arg(ap, const char *), flags, width, precision);
			break;
		case 'c': {
			char c = (char)va_arg(ap, int);
			if (!(flags & LEFT))
				pad(&o, ' ', width - 1);
			put(&o, c);
			if (flags & LEFT)
				pad(&o, ' ', width - 1);
			break;
		}
		case '%':
			put(&o, '%');
			break;
		default:
			/* unknown conversion: print it as it was written */
			for (const char *p = start; p <= fmt && *p; p++)
				put(&o, *p);
			if (!*fmt)
				fmt--;
			break;
		}
	}
	if (size)
		buf[o.pos < size ? o.pos : size - 1] = '\0';
	return (int)o.pos;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	if (!size)
		return 0;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < (int)size ? n : (int)size - 1;
}
