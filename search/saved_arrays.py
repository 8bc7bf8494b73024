"""Named numpy arrays <-> a file: the format np.savez writes (an uncompressed zip of .npy
files, which np.load reads), each array aligned, and read back on a memory map.

Input: arrays by name (stories.py's signatures, story ids and band table). Output: the file,
written aside and renamed; and, read back, read-only arrays on a memory map of it, so that an
update of 100 articles at 1,000,000 reads the pages it looks at, not 400 MB.
"""

import math
import mmap
import os
import struct
import zipfile
from pathlib import Path

import numpy as np

_LOCAL_HEADER = 30  # bytes of a zip member's local header before its name
# Aligning arrays in a zip: an extra field of padding (the id Android's zipalign uses), before
# the 20-byte zip64 field of the local header.
_ALIGN, _PADDING, _PADDING_ID, _ZIP64_EXTRA = 64, 4, 0xD935, 20
_READ_HEADER = {
    (1, 0): np.lib.format.read_array_header_1_0,
    (2, 0): np.lib.format.read_array_header_2_0,
}
_POPULATE_READ = getattr(mmap, "MADV_POPULATE_READ", 22)  # madvise: map the pages in now (Linux)


def mapped_arrays(path: Path, searched: str = "") -> dict[str, np.ndarray]:
    """The arrays of a file np.savez (or write_arrays) wrote, read-only, on a memory map of
    the file: a reader reads the pages it looks at. The arrays whose names start with
    `searched` are mapped in at once (page by page, a binary search's faults cost more), and
    copied when unaligned (numpy would copy them at every search). Raises ValueError when an
    array does not fit in its member. The members' checksums are not checked (that would read
    the whole file), and the file must not be rewritten in place while its arrays are in use
    (write_arrays writes aside and renames)."""
    arrays, populate = {}, []
    with open(path, "rb") as file, zipfile.ZipFile(file) as archive:
        whole = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        for member in archive.infolist():
            if member.compress_type != zipfile.ZIP_STORED or not member.filename.endswith(".npy"):
                raise ValueError(f"{member.filename}: not an array stored uncompressed")
            header = whole[member.header_offset : member.header_offset + _LOCAL_HEADER]
            if len(header) < _LOCAL_HEADER or header[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile(f"{member.filename}: no local header")
            name_length, extra_length = struct.unpack("<HH", header[26:30])
            data = member.header_offset + _LOCAL_HEADER + name_length + extra_length
            file.seek(data)
            version = np.lib.format.read_magic(file)
            if version not in _READ_HEADER:
                raise ValueError(f"{member.filename}: .npy version {version}")
            shape, fortran, dtype = _READ_HEADER[version](file)
            if dtype.hasobject:
                raise ValueError(f"{member.filename}: Python objects")
            count, start = math.prod(shape), file.tell()
            if start + count * dtype.itemsize > data + member.file_size:
                raise ValueError(f"{member.filename}: shorter than its array {shape}")
            name = member.filename[: -len(".npy")]
            array = np.frombuffer(whole, dtype, count, start).reshape(shape, order="F" if fortran else "C")
            arrays[name] = array
            if not (searched and name.startswith(searched)):
                continue
            if array.flags.aligned:
                populate.append((start, array.nbytes))
            else:  # (a file np.savez wrote)
                arrays[name] = array.copy()
    for start, size in populate:
        aligned = start - start % mmap.PAGESIZE
        try:
            whole.madvise(_POPULATE_READ, aligned, size + start - aligned)
        except (OSError, ValueError):  # (before Linux 5.14: mapped in as it is read)
            break
    return arrays


def write_arrays(path: Path, **arrays) -> None:
    """The arrays as np.savez writes them (np.load reads the file), each array's data at a
    multiple of 64 bytes in the file, so that a memory map of it is aligned (numpy searches an
    unaligned array by copying it first). Written aside, then renamed."""
    pending = path.with_name(path.name + ".new")
    with zipfile.ZipFile(pending, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            # The local header: its fixed part, the name, this padding field, and the zip64
            # field of a member opened with force_zip64; numpy pads its own header to 64 bytes.
            start = archive.fp.tell() + _LOCAL_HEADER + len(member.filename) + _PADDING + _ZIP64_EXTRA
            padding = -start % _ALIGN
            member.extra = struct.pack("<HH", _PADDING_ID, padding) + bytes(padding)
            with archive.open(member, "w", force_zip64=True) as file:
                np.lib.format.write_array(file, np.asanyarray(array), allow_pickle=False)
    os.replace(pending, path)
