#include <algorithm>
#include <array>
#include <string_view>

#include "support/identifier.h"

namespace nnc {

namespace {

// Sorted. The keywords and alternative tokens of C++20; `std` and `posix`, which the standard reserves; `main`,
// the program's; `nnc_rt` and `nnc_weights`, the emitted code's own namespaces; `linux` and `unix`, which GCC
// predefines as macros in its GNU modes; and every name of the C library headers under the emitted code's
// includes (math.h, stdlib.h, string.h, stdio.h, stdint.h, stddef.h, errno.h, with glibc): each identifier of
// their strict-C17 preprocessed text and macros that cannot name a namespace after those includes in C++17.
constexpr std::array<std::string_view, 631> kReserved = {
    "BUFSIZ", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EADV", "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADE",
    "EBADF", "EBADFD", "EBADMSG", "EBADR", "EBADRQC", "EBADSLT", "EBFONT", "EBUSY", "ECANCELED", "ECHILD", "ECHRNG",
    "ECOMM", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDEADLOCK", "EDESTADDRREQ", "EDOM", "EDOTDOT",
    "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTDOWN", "EHOSTUNREACH", "EHWPOISON", "EIDRM", "EILSEQ", "EINPROGRESS",
    "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "EISNAM", "EKEYEXPIRED", "EKEYREJECTED", "EKEYREVOKED", "EL2HLT",
    "EL2NSYNC", "EL3HLT", "EL3RST", "ELIBACC", "ELIBBAD", "ELIBEXEC", "ELIBMAX", "ELIBSCN", "ELNRNG", "ELOOP",
    "EMEDIUMTYPE", "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP", "ENAMETOOLONG", "ENAVAIL", "ENETDOWN", "ENETRESET",
    "ENETUNREACH", "ENFILE", "ENOANO", "ENOBUFS", "ENOCSI", "ENODATA", "ENODEV", "ENOENT", "ENOEXEC", "ENOKEY",
    "ENOLCK", "ENOLINK", "ENOMEDIUM", "ENOMEM", "ENOMSG", "ENONET", "ENOPKG", "ENOPROTOOPT", "ENOSPC", "ENOSR",
    "ENOSTR", "ENOSYS", "ENOTBLK", "ENOTCONN", "ENOTDIR", "ENOTEMPTY", "ENOTNAM", "ENOTRECOVERABLE", "ENOTSOCK",
    "ENOTSUP", "ENOTTY", "ENOTUNIQ", "ENXIO", "EOF", "EOPNOTSUPP", "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPFNOSUPPORT",
    "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EREMCHG", "EREMOTE", "EREMOTEIO", "ERESTART",
    "ERFKILL", "EROFS", "ESHUTDOWN", "ESOCKTNOSUPPORT", "ESPIPE", "ESRCH", "ESRMNT", "ESTALE", "ESTRPIPE", "ETIME",
    "ETIMEDOUT", "ETOOMANYREFS", "ETXTBSY", "EUCLEAN", "EUNATCH", "EUSERS", "EWOULDBLOCK", "EXDEV", "EXFULL",
    "EXIT_FAILURE", "EXIT_SUCCESS", "FILE", "FILENAME_MAX", "FOPEN_MAX", "FP_ILOGB0", "FP_ILOGBNAN", "FP_INFINITE",
    "FP_NAN", "FP_NORMAL", "FP_SUBNORMAL", "FP_ZERO", "HUGE_VAL", "HUGE_VALF", "HUGE_VALL", "INFINITY", "INT16_MAX",
    "INT16_MIN", "INT32_MAX", "INT32_MIN", "INT64_MAX", "INT64_MIN", "INT8_MAX", "INT8_MIN", "INTMAX_MAX", "INTMAX_MIN",
    "INTPTR_MAX", "INTPTR_MIN", "INT_FAST16_MAX", "INT_FAST16_MIN", "INT_FAST32_MAX", "INT_FAST32_MIN",
    "INT_FAST64_MAX", "INT_FAST64_MIN", "INT_FAST8_MAX", "INT_FAST8_MIN", "INT_LEAST16_MAX", "INT_LEAST16_MIN",
    "INT_LEAST32_MAX", "INT_LEAST32_MIN", "INT_LEAST64_MAX", "INT_LEAST64_MIN", "INT_LEAST8_MAX", "INT_LEAST8_MIN",
    "L_tmpnam", "MATH_ERREXCEPT", "MATH_ERRNO", "MB_CUR_MAX", "NAN", "NULL", "PTRDIFF_MAX", "PTRDIFF_MIN", "RAND_MAX",
    "SEEK_CUR", "SEEK_END", "SEEK_SET", "SIG_ATOMIC_MAX", "SIG_ATOMIC_MIN", "SIZE_MAX", "TMP_MAX", "UINT16_MAX",
    "UINT32_MAX", "UINT64_MAX", "UINT8_MAX", "UINTMAX_MAX", "UINTPTR_MAX", "UINT_FAST16_MAX", "UINT_FAST32_MAX",
    "UINT_FAST64_MAX", "UINT_FAST8_MAX", "UINT_LEAST16_MAX", "UINT_LEAST32_MAX", "UINT_LEAST64_MAX", "UINT_LEAST8_MAX",
    "WCHAR_MAX", "WCHAR_MIN", "WINT_MAX", "WINT_MIN", "abort", "abs", "acos", "acosf", "acosh", "acoshf", "acoshl",
    "acosl", "alignas", "aligned_alloc", "alignof", "and", "and_eq", "asin", "asinf", "asinh", "asinhf", "asinhl",
    "asinl", "asm", "at_quick_exit", "atan", "atan2", "atan2f", "atan2l", "atanf", "atanh", "atanhf", "atanhl", "atanl",
    "atexit", "atof", "atoi", "atol", "atoll", "auto", "bitand", "bitor", "bool", "break", "bsearch", "calloc", "case",
    "catch", "cbrt", "cbrtf", "cbrtl", "ceil", "ceilf", "ceill", "char", "char16_t", "char32_t", "char8_t", "class",
    "clearerr", "co_await", "co_return", "co_yield", "compl", "concept", "const", "const_cast", "consteval",
    "constexpr", "constinit", "continue", "copysign", "copysignf", "copysignl", "cos", "cosf", "cosh", "coshf", "coshl",
    "cosl", "decltype", "default", "delete", "div", "div_t", "do", "double", "double_t", "dynamic_cast", "else", "enum",
    "erf", "erfc", "erfcf", "erfcl", "erff", "erfl", "errno", "exit", "exp", "exp2", "exp2f", "exp2l", "expf", "expl",
    "explicit", "expm1", "expm1f", "expm1l", "export", "extern", "fabs", "fabsf", "fabsl", "false", "fclose", "fdim",
    "fdimf", "fdiml", "feof", "ferror", "fflush", "fgetc", "fgetpos", "fgets", "float", "float_t", "floor", "floorf",
    "floorl", "fma", "fmaf", "fmal", "fmax", "fmaxf", "fmaxl", "fmin", "fminf", "fminl", "fmod", "fmodf", "fmodl",
    "fopen", "for", "fpos_t", "fprintf", "fputc", "fputs", "fread", "free", "freopen", "frexp", "frexpf", "frexpl",
    "friend", "fscanf", "fseek", "fsetpos", "ftell", "fwrite", "getc", "getchar", "getenv", "goto", "hypot", "hypotf",
    "hypotl", "if", "ilogb", "ilogbf", "ilogbl", "inline", "int", "int16_t", "int32_t", "int64_t", "int8_t",
    "int_fast16_t", "int_fast32_t", "int_fast64_t", "int_fast8_t", "int_least16_t", "int_least32_t", "int_least64_t",
    "int_least8_t", "intmax_t", "intptr_t", "labs", "ldexp", "ldexpf", "ldexpl", "ldiv", "ldiv_t", "lgamma", "lgammaf",
    "lgammal", "linux", "llabs", "lldiv", "lldiv_t", "llrint", "llrintf", "llrintl", "llround", "llroundf", "llroundl",
    "log", "log10", "log10f", "log10l", "log1p", "log1pf", "log1pl", "log2", "log2f", "log2l", "logb", "logbf", "logbl",
    "logf", "logl", "long", "lrint", "lrintf", "lrintl", "lround", "lroundf", "lroundl", "main", "malloc",
    "math_errhandling", "max_align_t", "mblen", "mbstowcs", "mbtowc", "memchr", "memcmp", "memcpy", "memmove", "memset",
    "modf", "modff", "modfl", "mutable", "namespace", "nan", "nanf", "nanl", "nearbyint", "nearbyintf", "nearbyintl",
    "new", "nextafter", "nextafterf", "nextafterl", "nexttoward", "nexttowardf", "nexttowardl", "nnc_rt", "nnc_weights",
    "noexcept", "not", "not_eq", "nullptr", "operator", "or", "or_eq", "perror", "posix", "pow", "powf", "powl",
    "printf", "private", "protected", "ptrdiff_t", "public", "putc", "putchar", "puts", "qsort", "quick_exit", "rand",
    "realloc", "register", "reinterpret_cast", "remainder", "remainderf", "remainderl", "remove", "remquo", "remquof",
    "remquol", "rename", "requires", "return", "rewind", "rint", "rintf", "rintl", "round", "roundf", "roundl",
    "scalbln", "scalblnf", "scalblnl", "scalbn", "scalbnf", "scalbnl", "scanf", "setbuf", "setvbuf", "short", "signed",
    "sin", "sinf", "sinh", "sinhf", "sinhl", "sinl", "size_t", "sizeof", "snprintf", "sprintf", "sqrt", "sqrtf",
    "sqrtl", "srand", "sscanf", "static", "static_assert", "static_cast", "std", "stderr", "stdin", "stdout", "strcat",
    "strchr", "strcmp", "strcoll", "strcpy", "strcspn", "strerror", "strlen", "strncat", "strncmp", "strncpy",
    "strpbrk", "strrchr", "strspn", "strstr", "strtod", "strtof", "strtok", "strtol", "strtold", "strtoll", "strtoul",
    "strtoull", "struct", "strxfrm", "switch", "system", "tan", "tanf", "tanh", "tanhf", "tanhl", "tanl", "template",
    "tgamma", "tgammaf", "tgammal", "this", "thread_local", "throw", "tmpfile", "tmpnam", "true", "trunc", "truncf",
    "truncl", "try", "typedef", "typeid", "typename", "uint16_t", "uint32_t", "uint64_t", "uint8_t", "uint_fast16_t",
    "uint_fast32_t", "uint_fast64_t", "uint_fast8_t", "uint_least16_t", "uint_least32_t", "uint_least64_t",
    "uint_least8_t", "uintmax_t", "uintptr_t", "ungetc", "union", "unix", "unsigned", "using", "vfprintf", "vfscanf",
    "virtual", "void", "volatile", "vprintf", "vscanf", "vsnprintf", "vsprintf", "vsscanf", "wchar_t", "wcstombs",
    "wctomb", "while", "xor", "xor_eq",
};
static_assert(std::is_sorted(kReserved.begin(), kReserved.end()));

}  // namespace

bool reserved_identifier(std::string_view word) { return std::binary_search(kReserved.begin(), kReserved.end(), word); }

}  // namespace nnc
