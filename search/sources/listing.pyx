# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""A folder's entries, listed and stat'ed in C with the interpreter's lock released (folders.py).

An update of a million files stats every one of them: 2.2 us each through os.scandir, most of
it the kernel's. Listed here, a folder is read while the walk compares the one before with the
manifest (folders.py lists the next folder in a thread), so the two cores share the work.
Compiled by setup.py (optional): without it folders.py lists with os.scandir, as before.
"""

from libc.stdint cimport int64_t, uint64_t
from libc.stdlib cimport calloc, free, malloc, qsort, realloc
from libc.string cimport memcmp, memcpy, strlen


cdef extern from "<string.h>" nogil:
    void *memrchr(const void *text, int c, size_t size)


cdef extern from "Python.h":
    object PyUnicode_DecodeFSDefaultAndSize(const char *name, Py_ssize_t size)
    object PyUnicode_DecodeASCII(const char *text, Py_ssize_t size, const char *errors)
    object PyUnicode_DecodeUTF8(const char *text, Py_ssize_t size, const char *errors)


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
    bint unchanged  # a plain page the index holds with the same stamp (compared_listing)


cdef struct Known:  # a file the index holds in the folder, from the manifest's joined string
    const char *name
    size_t name_length
    const char *stamp
    size_t stamp_length
    bint crawl
    bint matched  # an unchanged page listed


cdef struct Listed:
    Entry *entries
    char *names
    size_t count


def listing(bytes folder not None, bint stat_files, tuple unstatted=()):
    """The folder's entries but hidden ones (names starting with "."), in the order of their
    names' bytes, as tuples (name, kind, error, mode, stamp): kind is FOLDER, FILE, LINK, OTHER
    or UNKNOWN as the listing says it (an entry of unknown kind is lstat'ed for it, as
    os.DirEntry does); the rest is the entry's stat through symbolic links (error: its errno;
    stamp: "mtime_ns:size"), made for links and, when `stat_files`, for every file but those
    whose names end with one of the `unstatted` suffixes (lowercase bytes: assets); error 0,
    mode 0 and stamp "" when not made. Raises OSError when the folder cannot be listed."""
    cdef Listed listed = _listed(folder, stat_files, unstatted)
    try:
        qsort(listed.entries, listed.count, sizeof(Entry), _by_name)
        return _tuples(&listed)
    finally:
        free(listed.entries)
        free(listed.names)


def compared_listing(bytes folder not None, tuple unstatted, bytes indexed not None, tuple pages):
    """listing(folder, True, unstatted), compared with what the index holds of the folder:
    `indexed` is "name/stamp/crawl/..." (crawl "1" for a crawl file, else "0"), as
    Manifest.joined_files_in gives it. The plain pages (a regular file, an ASCII name with no
    "?", ending with one of the `pages` suffixes, lowercase bytes) held with the same stamp are
    left out of the entries and counted. Returns (entries, that count, name -> stamp of the
    rest of what the index holds, the names of the crawl files among them). Compared in C:
    an update of a million unchanged files makes no Python object for them. Nothing is left
    out when a name ends with "_files" (the walk looks for the page a saved page's folder is
    named after) or when `indexed` is not in that form."""
    cdef const char *data = indexed
    cdef size_t size = len(indexed), known_count = 0, n, unchanged = 0
    cdef Known *known = NULL
    cdef int parsed
    cdef Suffixes page_suffixes = _suffixes(pages)
    cdef Listed listed
    listed.entries, listed.names = NULL, NULL
    try:
        listed = _listed(folder, True, unstatted)
        with nogil:
            parsed = _parse_known(data, size, &known, &known_count)
            if parsed == 0 and not _names_a_saved_folder(&listed):
                parsed = _compare(&listed, known, known_count, &page_suffixes)
            for n in range(listed.count):  # the unchanged left out, the rest sorted
                if listed.entries[n].unchanged:
                    unchanged += 1
                elif unchanged:
                    listed.entries[n - unchanged] = listed.entries[n]
            listed.count -= unchanged
            qsort(listed.entries, listed.count, sizeof(Entry), _by_name)
        if parsed == -1:
            raise MemoryError()
        if parsed:
            return _tuples(&listed), 0, None, None
        rest, crawls = {}, set()
        for n in range(known_count):
            if not known[n].matched:
                name = PyUnicode_DecodeUTF8(known[n].name, known[n].name_length, "surrogateescape")
                rest[name] = PyUnicode_DecodeUTF8(known[n].stamp, known[n].stamp_length, "surrogateescape")
                if known[n].crawl:
                    crawls.add(name)
        return _tuples(&listed), unchanged, rest, crawls
    finally:
        free(listed.entries)
        free(listed.names)
        free(known)
        _free_suffixes(&page_suffixes)


cdef struct Suffixes:
    const char **texts
    size_t *lengths
    size_t count  # (the texts point into the caller's tuple of bytes)


cdef Suffixes _suffixes(tuple given) except *:
    cdef Suffixes suffixes
    cdef size_t n
    suffixes.count = len(given)
    suffixes.texts = <const char **> malloc((suffixes.count + 1) * sizeof(char *))
    suffixes.lengths = <size_t *> malloc((suffixes.count + 1) * sizeof(size_t))
    if suffixes.texts == NULL or suffixes.lengths == NULL:
        _free_suffixes(&suffixes)
        raise MemoryError()
    for n in range(suffixes.count):
        suffixes.texts[n], suffixes.lengths[n] = <bytes> given[n], len(<bytes> given[n])
    return suffixes


cdef void _free_suffixes(Suffixes *suffixes) noexcept:
    free(suffixes.texts)
    free(suffixes.lengths)
    suffixes.texts, suffixes.lengths = NULL, NULL


cdef Listed _listed(bytes folder, bint stat_files, tuple unstatted) except *:
    """The folder's entries, stat'ed as listing() says, in the listing's order (the caller
    frees them)."""
    cdef const char *path = folder
    cdef int fd, kind, failed = 0
    cdef DIR *handle
    cdef dirent *found
    cdef stat status
    cdef Listed listed
    cdef Entry *grown_entries
    cdef Entry *entry
    cdef char *grown_names
    cdef size_t capacity = 0, used = 0, room = 0, length, n
    cdef Suffixes skipped = _suffixes(unstatted)
    listed.entries, listed.names, listed.count = NULL, NULL, 0
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
        _free_suffixes(&skipped)
        raise _error(failed, folder)
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
            if listed.count == capacity:
                capacity = 2 * capacity + 256
                grown_entries = <Entry *> realloc(listed.entries, capacity * sizeof(Entry))
                if grown_entries == NULL:
                    failed = -1
                    break
                listed.entries = grown_entries
            if used + length > room:
                room = 2 * room + length + 16_384
                grown_names = <char *> realloc(listed.names, room)
                if grown_names == NULL:
                    failed = -1
                    break
                listed.names = grown_names
            memcpy(listed.names + used, found.d_name, length)
            kind = _kind(found.d_type)
            if kind == KIND_UNKNOWN and fstatat(dirfd(handle), found.d_name, &status, AT_SYMLINK_NOFOLLOW) == 0:
                kind = _kind_of_mode(status.st_mode)
            entry = &listed.entries[listed.count]
            entry.name_at, entry.name_length = used, length
            entry.kind, entry.error, entry.unchanged = kind, 0, False
            entry.mode, entry.mtime_ns, entry.size = 0, 0, 0
            used += length
            if kind == KIND_FOLDER or (kind == KIND_FILE and not stat_files):
                pass
            elif kind == KIND_FILE and _suffix_in(found.d_name, length, &skipped):
                pass
            elif fstatat(dirfd(handle), found.d_name, &status, 0) != 0:
                entry.error = last_errno()
            else:
                entry.mode = status.st_mode
                entry.size = status.st_size
                entry.mtime_ns = status.st_mtim.tv_sec * 1_000_000_000 + status.st_mtim.tv_nsec
            listed.count += 1
        closedir(handle)
        for n in range(listed.count):
            listed.entries[n].name = listed.names + listed.entries[n].name_at
    _free_suffixes(&skipped)
    if failed:
        free(listed.entries)
        free(listed.names)
        if failed == -1:
            raise MemoryError()
        raise _error(failed, folder)
    return listed


cdef list _tuples(Listed *listed):
    """The entries but the unchanged ones, as listing() gives them."""
    cdef size_t n
    cdef Entry *entry
    found = []
    for n in range(listed.count):
        entry = &listed.entries[n]
        if not entry.unchanged:
            found.append((
                PyUnicode_DecodeFSDefaultAndSize(entry.name, entry.name_length),
                entry.kind,
                entry.error,
                entry.mode,
                _stamp(entry) if entry.mode else "",
            ))
    return found


cdef int _parse_known(const char *data, size_t size, Known **known, size_t *count) noexcept nogil:
    """"name/stamp/crawl/..." into `known` (pointing into data): 0, 1 when not in that form,
    -1 when out of memory."""
    cdef size_t fields = 1, n, at = 0, start, field = 0
    cdef Known *parsed
    count[0] = 0
    if size == 0:
        return 0
    for n in range(size):
        fields += data[n] == b"/"
    if fields % 3:
        return 1
    parsed = <Known *> malloc((fields // 3) * sizeof(Known))
    if parsed == NULL:
        return -1
    known[0] = parsed
    start = 0
    for n in range(size + 1):
        if n < size and data[n] != b"/":
            continue
        if field % 3 == 0:
            parsed[at].name, parsed[at].name_length = data + start, n - start
        elif field % 3 == 1:
            parsed[at].stamp, parsed[at].stamp_length = data + start, n - start
        else:
            parsed[at].crawl = not (n - start == 1 and data[start] == b"0")
            parsed[at].matched = False
            at += 1
        field += 1
        start = n + 1
    count[0] = at
    return 0


cdef bint _names_a_saved_folder(Listed *listed) noexcept nogil:
    """Whether an entry's name ends with "_files", as the folder a browser's "Save page as" writes."""
    cdef size_t n
    for n in range(listed.count):
        if listed.entries[n].name_length >= 6 and memcmp(
            listed.entries[n].name + listed.entries[n].name_length - 6, b"_files", 6
        ) == 0:
            return True
    return False


cdef int _compare(Listed *listed, Known *known, size_t known_count, Suffixes *pages) noexcept nogil:
    """Marks the plain pages held with the same stamp (the known files found by a hash of their
    names: sorting a folder's 20,000 names cost more than listing them). 0, or -1 when out of
    memory."""
    cdef size_t n, k, slots = 16, mask, at
    cdef size_t *table  # known file n + 1 by its name's hash; 0: empty
    cdef char text[48]
    cdef int length
    cdef Entry *entry
    while slots < 2 * known_count:
        slots *= 2
    mask = slots - 1
    table = <size_t *> calloc(slots, sizeof(size_t))
    if table == NULL:
        return -1
    for k in range(known_count):
        if not known[k].crawl:  # a crawl file's records are compared one by one (intake.py)
            at = _hash(known[k].name, known[k].name_length) & mask
            while table[at]:
                at = (at + 1) & mask
            table[at] = k + 1
    for n in range(listed.count):
        entry = &listed.entries[n]
        if not _is_plain_page(entry, pages):
            continue
        at = _hash(entry.name, entry.name_length) & mask
        while table[at]:
            k = table[at] - 1
            if _order(known[k].name, known[k].name_length, entry.name, entry.name_length) == 0:
                length = _format_stamp(text, entry.mtime_ns, entry.size)
                if <size_t> length == known[k].stamp_length and memcmp(text, known[k].stamp, length) == 0:
                    entry.unchanged, known[k].matched = True, True
                break
            at = (at + 1) & mask
    free(table)
    return 0


cdef inline uint64_t _hash(const char *name, size_t length) noexcept nogil:
    cdef uint64_t value = 14695981039346656037ULL  # FNV-1a
    cdef size_t n
    for n in range(length):
        value = (value ^ <unsigned char> name[n]) * 1099511628211ULL
    return value ^ (value >> 29)


cdef int _format_stamp(char *text, int64_t mtime_ns, int64_t size) noexcept nogil:
    """"mtime_ns:size" into text (room for 48 bytes), as Python's f-string writes it; its length."""
    cdef int length = _decimal(text, mtime_ns)
    text[length] = 58  # ":"
    return length + 1 + _decimal(text + length + 1, size)


cdef int _decimal(char *text, int64_t value) noexcept nogil:
    cdef char digits[24]
    cdef int count = 0, length = 0
    cdef uint64_t left = <uint64_t> value
    if value < 0:
        text[0], length, left = 45, 1, (~left) + 1  # "-", and the negation (of the smallest one as well)
    while True:
        digits[count] = <char> (48 + left % 10)  # "0" + the digit
        count, left = count + 1, left // 10
        if left == 0:
            break
    while count:
        count -= 1
        text[length] = digits[count]
        length += 1
    return length


cdef bint _is_plain_page(Entry *entry, Suffixes *pages) noexcept nogil:
    """A regular file with an ASCII name that has no "?" and ends with a page suffix: folders.py
    takes it as a page without asking more."""
    cdef size_t n
    cdef unsigned char c
    if entry.kind != KIND_FILE or entry.error or not S_ISREG(entry.mode):
        return False
    for n in range(entry.name_length):
        c = entry.name[n]
        if c >= 0x80 or c == b"?":
            return False
    return _suffix_in(entry.name, entry.name_length, pages)


cdef object _stamp(const Entry *entry):
    """"mtime_ns:size", as the walk in Python writes it."""
    cdef char text[48]
    return PyUnicode_DecodeASCII(text, _format_stamp(text, entry.mtime_ns, entry.size), NULL)


cdef int _by_name(const void *a, const void *b) noexcept nogil:
    cdef const Entry *one = <const Entry *> a
    cdef const Entry *other = <const Entry *> b
    return _order(one.name, one.name_length, other.name, other.name_length)


cdef inline int _kind_of_mode(unsigned int mode) noexcept nogil:
    if S_ISLNK(mode):
        return KIND_LINK
    if S_ISDIR(mode):
        return KIND_FOLDER
    return KIND_FILE if S_ISREG(mode) else KIND_OTHER


cdef bint _suffix_in(const char *name, size_t length, Suffixes *suffixes) noexcept nogil:
    """Whether the name's last dot starts one of the suffixes (each has one dot, its first),
    ASCII letters of any case."""
    cdef const char *dot = <const char *> memrchr(name, 46, length)  # "."
    cdef size_t n, at, size
    cdef char c
    if dot == NULL:
        return False
    size = length - <size_t> (dot - name)
    for n in range(suffixes.count):
        if suffixes.lengths[n] != size:
            continue
        for at in range(1, size):
            c = dot[at]
            if 65 <= c <= 90:  # "A" to "Z"
                c = c + 32
            if c != suffixes.texts[n][at]:
                break
        else:
            return True
    return False


cdef int _order(const char *one, size_t one_length, const char *other, size_t other_length) noexcept nogil:
    """memcmp's order of two names, the shorter first where one begins the other."""
    cdef int order = memcmp(one, other, min(one_length, other_length))
    if order:
        return order
    return (one_length > other_length) - (one_length < other_length)


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
