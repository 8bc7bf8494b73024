# cython: language_level=3, boundscheck=False, wraparound=False
"""A folder's entries, listed and stat'ed in C with the interpreter's lock released (folders.py).

An update of a million files stats every one of them: 2.2 us each through os.scandir, most of
it the kernel's. Listed here, a folder is read while the walk compares the one before with the
manifest (folders.py lists the next folder in a thread), so the two cores share the work.
Compiled by setup.py (optional): without it folders.py lists with os.scandir, as before.
"""

from libc.stdint cimport int64_t
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.stdio cimport snprintf
from libc.string cimport memcmp, memcpy, strlen


cdef extern from "Python.h":
    object PyUnicode_DecodeFSDefaultAndSize(const char *name, Py_ssize_t size)
    object PyUnicode_DecodeASCII(const char *text, Py_ssize_t size, const char *errors)


cdef extern from *:
    """
    #include <errno.h>
    static inline void clear_errno(void) { errno = 0; }
    static inline int last_errno(void) { return errno; }
    """
    void clear_errno() nogil
    int last_errno() nogil


cdef extern from "<dirent.h>" nogil:
    ctypedef struct DIR:
        pass
    struct dirent:
        unsigned char d_type
        char d_name[256]
    DIR *fdopendir(int fd)
    dirent *readdir(DIR *folder)
    int closedir(DIR *folder)
    int dirfd(DIR *folder)
    enum:
        DT_UNKNOWN, DT_DIR, DT_REG, DT_LNK


cdef extern from "<sys/stat.h>" nogil:
    struct timespec:
        int64_t tv_sec
        long tv_nsec
    struct stat:
        unsigned int st_mode
        int64_t st_size
        timespec st_mtim
    int fstatat(int dirfd, const char *path, stat *buf, int flags)
    bint S_ISLNK(unsigned int mode)
    bint S_ISDIR(unsigned int mode)
    bint S_ISREG(unsigned int mode)


cdef extern from "<fcntl.h>" nogil:
    int open(const char *path, int flags)
    enum:
        O_RDONLY, O_DIRECTORY, O_CLOEXEC, AT_SYMLINK_NOFOLLOW


cdef extern from "<unistd.h>" nogil:
    int close(int fd)


# What kind an entry is, as the listing says it (d_type): os.DirEntry's answers without a stat.
cdef enum:
    KIND_UNKNOWN, KIND_FOLDER, KIND_FILE, KIND_LINK, KIND_OTHER

UNKNOWN, FOLDER, FILE, LINK, OTHER = KIND_UNKNOWN, KIND_FOLDER, KIND_FILE, KIND_LINK, KIND_OTHER


cdef struct Entry:
    size_t name_at  # in the names buffer
    size_t name_length
    const char *name  # (set once the buffer has stopped growing)
    int kind
    int error  # of the stat, 0 when it succeeded or was not made
    unsigned int mode
    int64_t mtime_ns
    int64_t size


def listing(bytes folder, bint stat_files, tuple unstatted=()):
    """The folder's entries but hidden ones (names starting with "."), in the order of their
    names' bytes, as tuples (name, kind, error, mode, stamp): kind is FOLDER, FILE, LINK, OTHER
    or UNKNOWN as the listing says it (an entry of unknown kind is lstat'ed for it, as
    os.DirEntry does); the rest is the entry's stat through symbolic links (error: its errno;
    stamp: "mtime_ns:size"), made for links and, when `stat_files`, for every file but those
    whose names end with one of the `unstatted` suffixes (lowercase bytes: assets); error 0,
    mode 0 and stamp "" when not made. Raises OSError when the folder cannot be listed."""
    cdef const char *path = folder
    cdef int fd, kind, failed = 0
    cdef DIR *handle
    cdef dirent *found
    cdef stat status
    cdef Entry *entries = NULL
    cdef Entry *grown_entries
    cdef char *names = NULL
    cdef char *grown_names
    cdef size_t count = 0, capacity = 0, used = 0, room = 0, length, n
    cdef size_t suffix_count = len(unstatted)
    cdef const char **suffixes = <const char **> malloc((suffix_count + 1) * sizeof(char *))
    cdef size_t *suffix_lengths = <size_t *> malloc((suffix_count + 1) * sizeof(size_t))
    if suffixes == NULL or suffix_lengths == NULL:
        free(suffixes)
        free(suffix_lengths)
        raise MemoryError()
    for n in range(suffix_count):
        suffixes[n], suffix_lengths[n] = <bytes> unstatted[n], len(<bytes> unstatted[n])
    with nogil:
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd < 0:
            failed = last_errno()
        else:
            handle = fdopendir(fd)
            if handle == NULL:
                failed = last_errno()
                close(fd)
    if failed:
        free(suffixes)
        free(suffix_lengths)
        raise _error(failed, folder)
    try:
        with nogil:
            while True:
                clear_errno()
                found = readdir(handle)
                if found == NULL:
                    failed = last_errno()
                    break
                if found.d_name[0] == b".":
                    continue
                length = strlen(found.d_name)
                if count == capacity:
                    capacity = 2 * capacity + 256
                    grown_entries = <Entry *> realloc(entries, capacity * sizeof(Entry))
                    if grown_entries == NULL:
                        failed = -1
                        break
                    entries = grown_entries
                if used + length > room:
                    room = 2 * room + length + 16_384
                    grown_names = <char *> realloc(names, room)
                    if grown_names == NULL:
                        failed = -1
                        break
                    names = grown_names
                memcpy(names + used, found.d_name, length)
                kind = _kind(found.d_type)
                if kind == KIND_UNKNOWN and fstatat(dirfd(handle), found.d_name, &status, AT_SYMLINK_NOFOLLOW) == 0:
                    kind = _kind_of_mode(status.st_mode)
                entries[count].name_at, entries[count].name_length = used, length
                entries[count].kind, entries[count].error = kind, 0
                entries[count].mode, entries[count].mtime_ns, entries[count].size = 0, 0, 0
                used += length
                if kind == KIND_FOLDER or (kind == KIND_FILE and not stat_files):
                    pass
                elif kind == KIND_FILE and _ends_with_any(found.d_name, length, suffixes, suffix_lengths, suffix_count):
                    pass
                else:
                    if fstatat(dirfd(handle), found.d_name, &status, 0) != 0:
                        entries[count].error = last_errno()
                    else:
                        entries[count].mode = status.st_mode
                        entries[count].size = status.st_size
                        entries[count].mtime_ns = status.st_mtim.tv_sec * 1_000_000_000 + status.st_mtim.tv_nsec
                count += 1
            closedir(handle)
            for n in range(count):
                entries[n].name = names + entries[n].name_at
            if not failed:
                qsort(entries, count, sizeof(Entry), _by_name)
        if failed == -1:
            raise MemoryError()
        if failed:
            raise _error(failed, folder)
        return [
            (
                PyUnicode_DecodeFSDefaultAndSize(entries[n].name, entries[n].name_length),
                entries[n].kind,
                entries[n].error,
                entries[n].mode,
                _stamp(&entries[n]) if entries[n].mode else "",
            )
            for n in range(count)
        ]
    finally:
        free(entries)
        free(names)
        free(suffixes)
        free(suffix_lengths)


cdef object _stamp(const Entry *entry):
    """"mtime_ns:size", as the walk in Python writes it."""
    cdef char text[48]
    cdef int length = snprintf(text, sizeof(text), "%lld:%lld", <long long> entry.mtime_ns, <long long> entry.size)
    return PyUnicode_DecodeASCII(text, length, NULL)


cdef int _by_name(const void *a, const void *b) noexcept nogil:
    cdef const Entry *one = <const Entry *> a
    cdef const Entry *other = <const Entry *> b
    cdef size_t shorter = min(one.name_length, other.name_length)
    cdef int order = memcmp(one.name, other.name, shorter)
    if order:
        return order
    return (one.name_length > other.name_length) - (one.name_length < other.name_length)


cdef inline int _kind_of_mode(unsigned int mode) noexcept nogil:
    if S_ISLNK(mode):
        return KIND_LINK
    if S_ISDIR(mode):
        return KIND_FOLDER
    return KIND_FILE if S_ISREG(mode) else KIND_OTHER


cdef bint _ends_with_any(
    const char *name, size_t length, const char **suffixes, size_t *lengths, size_t count
) noexcept nogil:
    """Whether the name ends with one of the suffixes, ASCII letters of any case."""
    cdef size_t n, at, size
    cdef char c
    for n in range(count):
        size = lengths[n]
        if size > length:
            continue
        for at in range(size):
            c = name[length - size + at]
            if b"A" <= c <= b"Z":
                c = c + 32
            if c != suffixes[n][at]:
                break
        else:
            return True
    return False


cdef inline int _kind(unsigned char d_type) noexcept nogil:
    if d_type == DT_DIR:
        return KIND_FOLDER
    if d_type == DT_REG:
        return KIND_FILE
    if d_type == DT_LNK:
        return KIND_LINK
    if d_type == DT_UNKNOWN:
        return KIND_UNKNOWN
    return KIND_OTHER


cdef object _error(int number, bytes folder):
    import os

    return OSError(number, os.strerror(number), os.fsdecode(folder))
