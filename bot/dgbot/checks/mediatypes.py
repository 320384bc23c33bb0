"""dgbot's own table of file formats by extension: media type, the names plans call them by.

Media types are IANA-registered where a registration exists (marked IANA); formats the BIDS
specification lists (its file extensions) come next (BIDS); the rest are the de-facto types
their tools write (x-). Python's `mimetypes` is not used: its table depends on the Python
version and the machine, and lacks most research formats.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    media_type: str
    names: tuple[str, ...] = ()  # what plans call it, lower case
    also: tuple[str, ...] = ()  # formats it is built on (NWB is HDF5), or other types for it


# (media type, extensions, names, also); an extension is written lower case unless its case
# is what tells it apart (FreeSurfer's binary ".H" curvature is not a C header ".h").
_TABLE: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    # text and tables (IANA)
    ("text/plain", (".txt", ".text", ".log"), ("text", "plain text"), ()),
    ("text/csv", (".csv",), ("csv",), ()),
    ("text/tab-separated-values", (".tsv", ".tab"), ("tsv", "tab-separated values"), ()),
    ("text/markdown", (".md", ".markdown"), ("markdown",), ()),
    ("text/html", (".html", ".htm"), ("html",), ()),
    ("text/css", (".css",), ("css",), ()),
    ("text/javascript", (".js", ".mjs"), ("javascript",), ()),
    ("application/json", (".json",), ("json",), ()),
    ("application/ld+json", (".jsonld",), ("json-ld", "jsonld"), ("application/json",)),
    ("application/xml", (".xml",), ("xml",), ("text/xml",)),
    ("application/yaml", (".yaml", ".yml", ".cff"), ("yaml", "cff"), ()),
    ("application/toml", (".toml",), ("toml",), ()),
    ("application/sql", (".sql",), ("sql",), ()),
    ("application/rtf", (".rtf",), ("rtf",), ()),
    ("application/pdf", (".pdf",), ("pdf",), ()),
    ("application/postscript", (".ps", ".eps"), ("postscript",), ()),
    # office documents (IANA)
    ("application/msword", (".doc",), ("word", "doc"), ()),
    ("application/vnd.ms-excel", (".xls",), ("excel", "xls"), ()),
    ("application/vnd.ms-powerpoint", (".ppt",), ("powerpoint", "ppt"), ()),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        ("word", "docx"),
        (),
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        ("excel", "xlsx", "spreadsheet"),
        (),
    ),
    (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (".pptx",),
        ("powerpoint", "pptx"),
        (),
    ),
    ("application/vnd.oasis.opendocument.text", (".odt",), ("odt", "opendocument"), ()),
    ("application/vnd.oasis.opendocument.spreadsheet", (".ods",), ("ods", "opendocument"), ()),
    ("application/vnd.oasis.opendocument.presentation", (".odp",), ("odp", "opendocument"), ()),
    # images, sound, video (IANA; Matroska since RFC 9559)
    ("image/png", (".png",), ("png",), ()),
    ("image/jpeg", (".jpg", ".jpeg"), ("jpeg", "jpg"), ()),
    ("image/gif", (".gif",), ("gif",), ()),
    ("image/tiff", (".tif", ".tiff"), ("tiff", "tif"), ()),
    ("image/tiff", (".ome.tif", ".ome.tiff"), ("ome-tiff", "ome tiff", "tiff"), ()),
    ("image/svg+xml", (".svg",), ("svg",), ()),
    ("image/bmp", (".bmp",), ("bmp",), ()),
    ("image/webp", (".webp",), ("webp",), ()),
    ("image/jp2", (".jp2",), ("jpeg 2000",), ()),
    ("image/fits", (".fits", ".fit"), ("fits",), ("application/fits",)),
    ("video/mp4", (".mp4", ".m4v"), ("mp4",), ()),
    ("video/matroska", (".mkv",), ("matroska", "mkv"), ("video/x-matroska",)),
    ("video/webm", (".webm",), ("webm",), ()),
    ("video/quicktime", (".mov",), ("quicktime",), ()),
    ("video/x-msvideo", (".avi",), ("avi",), ()),
    ("audio/wav", (".wav",), ("wav", "wave"), ("audio/vnd.wave", "audio/x-wav")),
    ("audio/mpeg", (".mp3",), ("mp3",), ()),
    ("audio/flac", (".flac",), ("flac",), ()),
    ("audio/ogg", (".ogg", ".oga"), ("ogg",), ()),
    ("audio/mp4", (".m4a",), ("m4a",), ()),
    # archives and compression (IANA where registered)
    ("application/zip", (".zip",), ("zip",), ()),
    ("application/gzip", (".gz", ".tgz"), ("gzip",), ()),
    ("application/zstd", (".zst",), ("zstandard", "zstd"), ()),
    ("application/x-bzip2", (".bz2",), ("bzip2",), ()),
    ("application/x-xz", (".xz",), ("xz",), ()),
    ("application/x-7z-compressed", (".7z",), ("7z",), ()),
    ("application/x-tar", (".tar",), ("tar",), ()),
    ("application/octet-stream", (".bin", ".dat", ".raw"), ("binary",), ()),
    # neuroimaging and physiology (BIDS lists these extensions)
    ("application/x-nifti", (".nii", ".nii.gz"), ("nifti", "nifti-1", "nifti-2", "nii"), ()),
    ("application/x-gifti", (".gii",), ("gifti",), ("application/xml",)),
    ("text/plain", (".bval",), ("bval", "b-values"), ()),
    ("text/plain", (".bvec",), ("bvec", "b-vectors"), ()),
    ("application/x-edf", (".edf",), ("edf", "edf+", "european data format"), ()),
    ("application/x-bdf", (".bdf",), ("bdf", "biosemi"), ()),
    ("application/x-brainvision", (".vhdr", ".vmrk", ".eeg"), ("brainvision",), ()),
    ("application/x-eeglab", (".set", ".fdt"), ("eeglab",), ()),
    ("application/x-fif", (".fif",), ("fif", "mne"), ()),
    ("application/x-kit-meg", (".con", ".sqd", ".mrk"), ("kit", "yokogawa"), ()),
    ("application/x-snirf", (".snirf",), ("snirf",), ("application/x-hdf5",)),
    ("application/x-nwb", (".nwb",), ("nwb", "neurodata without borders"), ("application/x-hdf5",)),
    ("application/dicom", (".dcm",), ("dicom", "dcm"), ()),
    ("text/plain", (".asc",), ("asc", "eyelink ascii"), ()),  # EyeLink's ASCII export (BIDS eye tracking)
    # FreeSurfer
    ("application/x-freesurfer-mgh", (".mgz", ".mgh"), ("mgh", "mgz", "freesurfer"), ()),
    ("application/x-freesurfer-annot", (".annot",), ("annot", "freesurfer"), ()),
    ("text/x-freesurfer-label", (".label",), ("label", "freesurfer"), ()),
    (
        "application/x-freesurfer-surface",
        (".white", ".pial", ".inflated", ".smoothwm"),
        ("freesurfer surface", "freesurfer"),
        (),
    ),
    (
        "application/x-freesurfer-curv",  # binary per-vertex values: curvature, thickness
        (".H", ".K", ".curv", ".sulc", ".thickness"),
        ("freesurfer curv", "curv", "freesurfer"),
        (),
    ),
    # other research formats
    ("application/x-hdf5", (".h5", ".hdf5", ".he5", ".hdf"), ("hdf5", "hdf", "h5"), ()),
    ("application/x-netcdf", (".nc", ".nc4"), ("netcdf",), ()),
    ("application/x-matlab-data", (".mat",), ("mat", "matlab"), ()),
    ("application/vnd.apache.parquet", (".parquet",), ("parquet", "apache parquet"), ()),
    ("application/vnd.apache.arrow.file", (".arrow", ".feather"), ("arrow", "feather"), ()),
    ("application/x-npy", (".npy", ".npz"), ("npy", "numpy"), ()),
    ("application/x-pickle", (".pkl", ".pickle"), ("pickle", "pkl"), ()),
    ("application/x-psychopy-data", (".psydat",), ("psydat", "psychopy"), ("application/x-pickle",)),
    ("application/x-psychopy-experiment", (".psyexp",), ("psyexp", "psychopy"), ("application/xml",)),
    ("application/x-rdata", (".rdata", ".rda"), ("rdata",), ()),
    ("application/x-rds", (".rds",), ("rds",), ()),
    ("application/x-spss-sav", (".sav",), ("spss", "sav"), ()),
    ("application/x-stata-dta", (".dta",), ("stata", "dta"), ()),
    ("application/x-sas-data", (".sas7bdat",), ("sas",), ()),
    ("application/vnd.sqlite3", (".sqlite", ".sqlite3", ".db"), ("sqlite",), ()),
    ("application/x-ipynb+json", (".ipynb",), ("ipynb", "jupyter notebook", "jupyter"), ()),
    ("chemical/x-xyz", (".xyz", ".extxyz"), ("extxyz", "xyz"), ()),
    ("chemical/x-pdb", (".pdb",), ("pdb",), ()),
    ("chemical/x-cif", (".cif", ".mmcif"), ("cif", "mmcif"), ()),
    ("chemical/x-mdl-sdfile", (".sdf",), ("sdf",), ()),
    ("text/x-fastq", (".fastq", ".fq"), ("fastq",), ()),
    ("text/x-fasta", (".fasta", ".fa", ".fna", ".faa"), ("fasta",), ()),
    ("application/x-bam", (".bam",), ("bam",), ()),
    ("text/x-sam", (".sam",), ("sam",), ()),
    ("text/x-vcf", (".vcf",), ("vcf",), ()),
    ("text/x-bed", (".bed",), ("bed",), ()),
    ("text/x-gff", (".gff", ".gff3", ".gtf"), ("gff", "gtf"), ()),
    ("application/x-czi", (".czi",), ("czi",), ()),
    ("application/x-nd2", (".nd2",), ("nd2",), ()),
    ("application/x-lif", (".lif",), ("lif", "leica"), ()),
    ("application/x-abf", (".abf",), ("abf", "axon"), ()),
    # code
    ("text/x-python", (".py",), ("python",), ()),
    ("application/x-python-code", (".pyc",), ("python bytecode",), ()),
    ("text/x-r", (".r",), ("r",), ()),
    ("text/x-r-markdown", (".rmd",), ("r markdown", "rmarkdown"), ()),
    ("text/x-sweave", (".rnw",), ("sweave",), ()),
    ("text/x-julia", (".jl",), ("julia",), ()),
    ("text/x-matlab", (".m",), ("matlab",), ()),
    ("text/x-c", (".c", ".h"), ("c",), ()),
    ("text/x-c++", (".cpp", ".cc", ".cxx", ".hpp"), ("c++",), ()),
    ("text/x-java", (".java",), ("java",), ()),
    ("application/x-sh", (".sh", ".bash"), ("shell",), ()),
    ("application/x-tex", (".tex",), ("latex", "tex"), ()),
    ("text/x-bibtex", (".bib",), ("bibtex",), ()),
    ("text/x-rst", (".rst",), ("restructuredtext", "rst"), ()),
)

FORMATS: dict[str, Format] = {
    ext: Format(media_type, names, also) for media_type, exts, names, also in _TABLE for ext in exts
}
# Extensions whose case tells them apart; every other one is looked up in lower case.
CASE_SENSITIVE = frozenset(ext for ext in FORMATS if ext != ext.lower())
# Compression around another format (".csv.gz"): the inner format, and this type too.
COMPRESSIONS = {
    ".gz": "application/gzip",
    ".bz2": "application/x-bzip2",
    ".xz": "application/x-xz",
    ".zst": "application/zstd",
}
