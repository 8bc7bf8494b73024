# cython: language_level=3, boundscheck=False, wraparound=False
"""tree.read_tree's walk, compiled: the same lists, read straight from Lexbor's nodes.

A Python loop over a page's ~2,000 nodes costs three times the parse, most of it in making a
Python object for every node, attribute and tag name it passes; here only the text, the
names and the lists that tree.py returns become Python objects (0.85 -> 0.37 ms a page).

What it reads of Lexbor, the parser inside selectolax:
- the first fields of its node, text and attribute structs, as selectolax's lexbor.pxd
  declares them (selectolax ships that file, not Lexbor's headers, so they are written out
  below);
- three functions selectolax's module exports, found with dlsym: an element's first
  attribute, an attribute's name, an element's name.
A selectolax whose Lexbor differs could make this read garbage or crash, so tree.py uses the
walk only with the selectolax releases it was written for (tree.WALKED_SELECTOLAX), and only
once it has read a probe page as its Python twin does; else the Python loop, with a warning. The build compiles this file when it can (setup.py: optional);
without a compiler tree.py's loop is used, the same results 2.3 times slower.
"""

from cpython.unicode cimport PyUnicode_DecodeUTF8
from libc.stdint cimport uintptr_t
from libc.stdlib cimport free, malloc, realloc
from posix.dlfcn cimport RTLD_LAZY, dlopen, dlsym

import selectolax.lexbor


cdef extern from "<dlfcn.h>":
    int RTLD_NOLOAD


cdef extern from *:
    """
    typedef struct walk_node {
        void *events;
        uintptr_t local_name, prefix, ns;
        void *owner_document;
        struct walk_node *next, *prev, *parent, *first_child, *last_child;
        void *user;
        int type;
    } walk_node;
    typedef struct { unsigned char *data; size_t length; } walk_str;
    typedef struct { walk_node node; walk_str data; } walk_text;
    typedef struct { walk_node node; uintptr_t upper_name, qualified_name; } walk_element;
    typedef struct walk_attr {
        walk_node node;
        uintptr_t upper_name, qualified_name;
        walk_str *value;
        void *owner;
        struct walk_attr *next, *prev;
    } walk_attr;
    """
    ctypedef struct walk_node:
        uintptr_t local_name
        walk_node *next
        walk_node *first_child
        int type
    ctypedef struct walk_str:
        unsigned char *data
        size_t length
    ctypedef struct walk_text:
        walk_str data
    ctypedef struct walk_element:
        uintptr_t qualified_name
    ctypedef struct walk_attr:
        walk_node node
        uintptr_t qualified_name
        walk_str *value
        walk_attr *next


ctypedef walk_attr *(*first_attribute_f)(walk_node *element) noexcept nogil
ctypedef const unsigned char *(*attribute_name_f)(walk_attr *attribute, size_t *length) noexcept nogil
ctypedef const unsigned char *(*element_name_f)(walk_node *element, size_t *length) noexcept nogil

cdef first_attribute_f _first_attribute = NULL
cdef attribute_name_f _attribute_name = NULL
cdef element_name_f _element_name = NULL


cdef int _find_functions() except -1:
    global _first_attribute, _attribute_name, _element_name
    cdef void *module = dlopen(selectolax.lexbor.__file__.encode(), RTLD_LAZY | RTLD_NOLOAD)
    if module == NULL:
        raise ImportError("selectolax's Lexbor module is not loaded")
    _first_attribute = <first_attribute_f> dlsym(module, b"lxb_dom_element_first_attribute_noi")
    _attribute_name = <attribute_name_f> dlsym(module, b"lxb_dom_attr_qualified_name")
    _element_name = <element_name_f> dlsym(module, b"lxb_dom_element_qualified_name")
    if _first_attribute == NULL or _attribute_name == NULL or _element_name == NULL:
        raise ImportError("selectolax's Lexbor module lacks the functions the walk reads")
    return 0


_find_functions()

cdef enum:
    ELEMENT_NODE = 1
    TEXT_NODE = 3

# What an element does to the text, by its tag.
cdef enum:
    SKIP = 0  # hidden (scripts, styles, controls...): passed over with all it holds
    INLINE = 1
    BLOCK = 2
    BREAK = 3  # <br>
    TIME = 4
    LINK = 5  # <a>


cdef struct Open:
    walk_node *node
    Py_ssize_t parent


cdef inline str _decode(const unsigned char *data, size_t length):
    # As selectolax reads text: bytes Lexbor let through undecoded become U+FFFD.
    return PyUnicode_DecodeUTF8(<const char *> data, length, "replace")


cdef inline bint _blank(const unsigned char *data, size_t length) noexcept nogil:
    """Only ASCII whitespace (selectolax's is_empty_text_node)."""
    cdef size_t i
    cdef unsigned char c
    for i in range(length):
        c = data[i]
        if c != 32 and c != 9 and c != 10 and c != 12 and c != 13:
            return False
    return True


cdef str _text_of(list parts):
    """The parts joined, each run of whitespace one space and none at the ends: what
    lines.collapse_spaces makes of them, its quick test made here."""
    cdef str text = parts[0] if len(parts) == 1 else "".join(parts)
    if text.isprintable() and "  " not in text and text[0] != " " and text[len(text) - 1] != " ":
        return text
    return " ".join(text.split())


def walk(size_t root, hidden, blocks, segment):
    """The elements and text segments under `root` (a node's selectolax mem_id), as tree.py's
    Python loop reads them: (tags, names, parents, ends, deepest, segments, times).
    `segment(element, start, parts, owners)` makes a tree.Segment; its text is set here."""
    cdef list tags = [], names = [], parents = [], ends = [], segments = []
    cdef dict times = {}
    cdef dict tag_kinds = {}  # an element's name id -> (its tag, its kind)
    cdef dict attribute_names = {}  # an attribute's name id -> its name
    cdef dict lower_names = {}  # the names as written -> lower-cased
    cdef Py_ssize_t capacity = 1024, size = 0, depth = 0, deepest = 0
    cdef Open *opened = NULL  # the open elements, `depth` of them
    cdef Open *grown_opened
    cdef Py_ssize_t *grown_blocks
    cdef char *grown_links
    cdef Py_ssize_t *block_of = <Py_ssize_t *> malloc(capacity * sizeof(Py_ssize_t))
    cdef char *in_link = <char *> malloc(capacity)
    cdef walk_node *node = <walk_node *> root
    cdef walk_attr *attribute
    cdef walk_str *data
    cdef Py_ssize_t parent = -1, number = 0, block, current_block = -1
    cdef bint spaced = False, href
    cdef object current = None, info
    cdef list parts = None, owners = None
    cdef Py_ssize_t link_chars = 0
    cdef const unsigned char *name
    cdef size_t length
    cdef uintptr_t key
    cdef int kind
    cdef str tag, content, attribute_name, value, written, lowered
    cdef object class_, id_, role, itemprop, stamp
    if block_of == NULL or in_link == NULL:
        free(block_of)
        free(in_link)
        raise MemoryError()
    try:
        while True:
            if node.type == TEXT_NODE:
                # Whitespace only (most text nodes: the page's indentation) only breaks words:
                # a space goes before the next text of the same segment.
                data = &(<walk_text *> node).data
                if data.data == NULL or _blank(data.data, data.length):
                    spaced = True
                else:
                    content = _decode(data.data, data.length)
                    if content.isspace():
                        spaced = True
                    else:
                        block = block_of[parent]
                        if current_block != block:
                            if current is not None:
                                current.link_chars = link_chars
                                current.text = _text_of(parts)
                            parts, owners, link_chars = [], [], 0
                            current = segment(block, number, parts, owners)
                            current_block = block
                            segments.append(current)
                        elif spaced:
                            content = " " + content
                        spaced = False
                        parts.append(content)
                        owners.append(parent)
                        if in_link[parent]:
                            link_chars += len(content.strip())
            elif node.type == ELEMENT_NODE:
                key = (<walk_element *> node).qualified_name or node.local_name
                info = tag_kinds.get(key)
                if info is None:
                    name = _element_name(node, &length)
                    tag = _decode(name, length) if name != NULL else None
                    kind = (
                        SKIP if tag is None or tag in hidden or tag[0] == "-"
                        else BLOCK if tag in blocks
                        else BREAK if tag == "br"
                        else TIME if tag == "time"
                        else LINK if tag == "a"
                        else INLINE
                    )
                    info = tag_kinds[key] = (tag, kind)
                tag, kind = info
                if kind != SKIP:
                    if number == capacity:
                        grown_blocks = <Py_ssize_t *> realloc(block_of, 2 * capacity * sizeof(Py_ssize_t))
                        if grown_blocks == NULL:
                            raise MemoryError()  # (the old block stays, freed below)
                        block_of = grown_blocks
                        grown_links = <char *> realloc(in_link, 2 * capacity)
                        if grown_links == NULL:
                            raise MemoryError()
                        in_link, capacity = grown_links, 2 * capacity
                    # The words sites name blocks with: class, id, role and itemprop.
                    class_ = id_ = role = itemprop = stamp = None
                    href = False
                    attribute = _first_attribute(node)
                    while attribute != NULL:
                        key = attribute.qualified_name or attribute.node.local_name
                        attribute_name = attribute_names.get(key)
                        if attribute_name is None:
                            name = _attribute_name(attribute, &length)
                            attribute_name = attribute_names[key] = _decode(name, length)
                        if attribute_name == "href":
                            href = True
                        elif attribute_name in ("class", "id", "role", "itemprop", "datetime"):
                            value = None
                            if attribute.value != NULL and attribute.value.data != NULL:
                                value = _decode(attribute.value.data, attribute.value.length)
                            if attribute_name == "class":
                                class_ = value
                            elif attribute_name == "id":
                                id_ = value
                            elif attribute_name == "role":
                                role = value
                            elif attribute_name == "itemprop":
                                itemprop = value
                            else:
                                stamp = value
                        attribute = attribute.next
                    if id_ or role or itemprop:
                        written = " ".join([x for x in (class_, id_, role, itemprop) if x])
                    else:
                        written = class_ or ""
                    # One lower-case string for each name the page repeats: lowered once, and
                    # its hash, which the rules' sets and dicts ask for, made once.
                    lowered = lower_names.get(written)
                    if lowered is None:
                        lowered = lower_names[written] = written.lower()
                    names.append(lowered)
                    tags.append(tag)
                    parents.append(parent)
                    ends.append(number)
                    if depth > deepest:
                        deepest = depth
                    if kind == BLOCK or parent < 0:
                        block_of[number] = number
                        current_block = -1
                    else:
                        block_of[number] = block_of[parent]
                        if kind == BREAK:
                            current_block = -1
                        elif kind == TIME:
                            times[number] = stamp or ""
                    in_link[number] = (kind == LINK and href) or (parent >= 0 and in_link[parent])
                    number += 1
                    if node.first_child != NULL:
                        if depth == size:
                            grown_opened = <Open *> realloc(opened, (2 * size + 64) * sizeof(Open))
                            if grown_opened == NULL:
                                raise MemoryError()
                            opened, size = grown_opened, 2 * size + 64
                        opened[depth].node = node
                        opened[depth].parent = parent
                        depth += 1
                        node, parent = node.first_child, number - 1
                        continue
            # Comments, doctypes and what "<?php" makes are passed over like hidden elements.
            node = node.next if depth else NULL  # the root's siblings are not the page's
            while node == NULL and depth:
                ends[parent] = number - 1  # `parent` is the element just walked through
                depth -= 1
                parent = opened[depth].parent
                node = opened[depth].node.next if depth else NULL
            if node == NULL:
                break
        if current is not None:
            current.link_chars = link_chars
            current.text = _text_of(parts)
    finally:
        free(opened)
        free(block_of)
        free(in_link)
    return tags, names, parents, ends, deepest, segments, times
