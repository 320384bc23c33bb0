"""Licence identification: URLs, names and licence files to SPDX ids."""

from __future__ import annotations

import pytest

from dgbot import spdx

MIT_BODY = (
    "Copyright (c) 2024 Example\n\n"
    "Permission is hereby granted, free of charge, to any person obtaining a copy\n"
    'of this software and associated documentation files (the "Software"), to deal\n'
)
BSD_BODY = (
    "Copyright (c) 2024, Example\n\nRedistribution and use in source and binary forms, with or without\n"
    "modification, are permitted provided that the following conditions are met:\n\n"
    "1. Redistributions of source code must retain the above copyright notice.\n"
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by-sa/4.0/legalcode", "CC-BY-SA-4.0"),
        ("https://creativecommons.org/licenses/by-nc-nd/4.0/deed.de", "CC-BY-NC-ND-4.0"),
        ("https://creativecommons.org/licenses/by/3.0/de/", "CC-BY-3.0-DE"),
        ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("https://spdx.org/licenses/CC-BY-4.0.html", "CC-BY-4.0"),
        ("https://spdx.org/licenses/MIT", "MIT"),
        ("https://opensource.org/licenses/MIT", "MIT"),
        ("https://opensource.org/licenses/mit-license.php", "MIT"),
        ("https://opensource.org/licenses/BSD-3-Clause", "BSD-3-Clause"),
        ("https://www.apache.org/licenses/LICENSE-2.0", "Apache-2.0"),
        ("https://www.gnu.org/licenses/gpl-3.0.en.html", "GPL-3.0"),
        ("https://www.gnu.org/licenses/old-licenses/lgpl-2.1.html", "LGPL-2.1"),
        ("https://opendatacommons.org/licenses/pddl/", "PDDL-1.0"),
        ("https://opendatacommons.org/licenses/odbl/1-0/", "ODbL-1.0"),
        ("https://example.org/my-licence", None),
    ],
)
def test_from_url(url: str, expected: str | None) -> None:
    assert spdx.from_url(url) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("CC-BY-4.0", "CC-BY-4.0"),
        ("cc-by-sa-4.0", "CC-BY-SA-4.0"),
        ("Creative Commons Attribution 4.0 International Public License", "CC-BY-4.0"),
        ("Creative Commons Attribution-ShareAlike 4.0", "CC-BY-SA-4.0"),
        ("Attribution-NonCommercial-ShareAlike 4.0 International (CC BY-NC-SA 4.0)", "CC-BY-NC-SA-4.0"),
        ("CC BY", "CC-BY-4.0"),  # GIN's reading of an unversioned alias
        ("CC BY-SA 3.0", "CC-BY-SA-3.0"),
        ("Creative Commons CC0 1.0 Public Domain Dedication", "CC0-1.0"),
        ("Apache License, Version 2.0", "Apache-2.0"),
        ("The MIT License", "MIT"),
        ("MIT", "MIT"),
        ("The 3-Clause BSD License", "BSD-3-Clause"),
        ("GNU General Public License v3.0", "GPL-3.0"),
        ("GPL-3.0-or-later", "GPL-3.0"),
        ("Open Data Commons Public Domain Dedication and License (PDDL)", "PDDL-1.0"),
        ("Open Data Commons Open Database Licence", "ODbL-1.0"),
        ("EUPL-1.2", "EUPL-1.2"),  # SPDX-like ids dgbot does not know are kept as written
        ("All rights reserved", None),
    ],
)
def test_from_name(name: str, expected: str | None) -> None:
    assert spdx.from_name(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT License\n\n" + MIT_BODY, "MIT"),
        (MIT_BODY, "MIT"),
        ("                 Apache License\n           Version 2.0, January 2004\n", "Apache-2.0"),
        ("Attribution 4.0 International\n\n=====\n\nCreative Commons Corporation", "CC-BY-4.0"),
        ("Attribution-ShareAlike 4.0 International\n\n=====\n", "CC-BY-SA-4.0"),
        ("Creative Commons Legal Code\n\nCC0 1.0 Universal\n", "CC0-1.0"),
        (
            BSD_BODY + "3. Neither the name of the copyright holder nor the names of its contributors\n",
            "BSD-3-Clause",
        ),
        (BSD_BODY, "BSD-2-Clause"),
        ("GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n", "GPL-3.0"),
        (
            "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n\nThis version of the GNU Lesser "
            "General Public License incorporates the terms and conditions of version 3 of the GNU General "
            "Public License",
            "LGPL-3.0",
        ),
        ("SPDX-License-Identifier: MPL-2.0\n", "MPL-2.0"),
        ("Copyright 2024 Example. All rights reserved.\n", None),
        ("Copyright (c) 2024 MIT CSAIL\n\n" + BSD_BODY, "BSD-2-Clause"),  # "MIT" alone is no licence name
    ],
)
def test_from_text(text: str, expected: str | None) -> None:
    assert spdx.from_text(text) == expected


def test_same_ignores_case_and_gpl_variants() -> None:
    assert spdx.same("cc-by-4.0", "CC-BY-4.0")
    assert spdx.same("GPL-3.0-only", "GPL-3.0-or-later")
    assert not spdx.same("CC-BY-4.0", "CC-BY-SA-4.0")


def test_plan_references_are_ids_or_urls() -> None:
    assert spdx.from_reference("https://creativecommons.org/licenses/by/4.0/") == "CC-BY-4.0"
    assert spdx.from_reference("CC0-1.0") == "CC0-1.0"
