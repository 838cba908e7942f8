/// Named HTML character references that scraped text commonly carries. Only exact, `;`-terminated
/// names are decoded; anything else is left as it is.
enum HTMLEntities {
  static let named: [String: String] = [
    "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}",
    "rsquo": "\u{2019}", "lsquo": "\u{2018}", "rdquo": "\u{201D}", "ldquo": "\u{201C}",
    "sbquo": "\u{201A}", "bdquo": "\u{201E}", "prime": "\u{2032}", "Prime": "\u{2033}",
    "ndash": "\u{2013}", "mdash": "\u{2014}", "hellip": "\u{2026}", "bull": "\u{2022}",
    "middot": "\u{00B7}", "laquo": "\u{00AB}", "raquo": "\u{00BB}", "lsaquo": "\u{2039}",
    "rsaquo": "\u{203A}", "copy": "\u{00A9}", "reg": "\u{00AE}", "trade": "\u{2122}",
    "deg": "\u{00B0}", "plusmn": "\u{00B1}", "times": "\u{00D7}", "divide": "\u{00F7}",
    "frac12": "\u{00BD}", "frac14": "\u{00BC}", "frac34": "\u{00BE}", "sup1": "\u{00B9}",
    "sup2": "\u{00B2}", "sup3": "\u{00B3}", "micro": "\u{00B5}", "para": "\u{00B6}",
    "sect": "\u{00A7}", "cent": "\u{00A2}", "pound": "\u{00A3}", "euro": "\u{20AC}",
    "yen": "\u{00A5}", "curren": "\u{00A4}", "iexcl": "\u{00A1}", "iquest": "\u{00BF}",
    "shy": "\u{00AD}", "ensp": "\u{2002}", "emsp": "\u{2003}", "thinsp": "\u{2009}",
    "zwnj": "\u{200C}", "zwj": "\u{200D}", "lrm": "\u{200E}", "rlm": "\u{200F}",
    "dagger": "\u{2020}", "Dagger": "\u{2021}", "permil": "\u{2030}", "larr": "\u{2190}",
    "rarr": "\u{2192}", "uarr": "\u{2191}", "darr": "\u{2193}", "harr": "\u{2194}",
    "le": "\u{2264}", "ge": "\u{2265}", "ne": "\u{2260}", "minus": "\u{2212}",
    "infin": "\u{221E}", "asymp": "\u{2248}", "ordf": "\u{00AA}", "ordm": "\u{00BA}",
    "acute": "\u{00B4}", "cedil": "\u{00B8}", "uml": "\u{00A8}", "macr": "\u{00AF}",
    "not": "\u{00AC}", "brvbar": "\u{00A6}", "szlig": "\u{00DF}",
    "agrave": "\u{00E0}", "aacute": "\u{00E1}", "acirc": "\u{00E2}", "atilde": "\u{00E3}",
    "auml": "\u{00E4}", "aring": "\u{00E5}", "aelig": "\u{00E6}", "ccedil": "\u{00E7}",
    "egrave": "\u{00E8}", "eacute": "\u{00E9}", "ecirc": "\u{00EA}", "euml": "\u{00EB}",
    "igrave": "\u{00EC}", "iacute": "\u{00ED}", "icirc": "\u{00EE}", "iuml": "\u{00EF}",
    "eth": "\u{00F0}", "ntilde": "\u{00F1}", "ograve": "\u{00F2}", "oacute": "\u{00F3}",
    "ocirc": "\u{00F4}", "otilde": "\u{00F5}", "ouml": "\u{00F6}", "oslash": "\u{00F8}",
    "ugrave": "\u{00F9}", "uacute": "\u{00FA}", "ucirc": "\u{00FB}", "uuml": "\u{00FC}",
    "yacute": "\u{00FD}", "thorn": "\u{00FE}", "yuml": "\u{00FF}",
    "Agrave": "\u{00C0}", "Aacute": "\u{00C1}", "Acirc": "\u{00C2}", "Atilde": "\u{00C3}",
    "Auml": "\u{00C4}", "Aring": "\u{00C5}", "AElig": "\u{00C6}", "Ccedil": "\u{00C7}",
    "Egrave": "\u{00C8}", "Eacute": "\u{00C9}", "Ecirc": "\u{00CA}", "Euml": "\u{00CB}",
    "Igrave": "\u{00CC}", "Iacute": "\u{00CD}", "Icirc": "\u{00CE}", "Iuml": "\u{00CF}",
    "ETH": "\u{00D0}", "Ntilde": "\u{00D1}", "Ograve": "\u{00D2}", "Oacute": "\u{00D3}",
    "Ocirc": "\u{00D4}", "Otilde": "\u{00D5}", "Ouml": "\u{00D6}", "Oslash": "\u{00D8}",
    "Ugrave": "\u{00D9}", "Uacute": "\u{00DA}", "Ucirc": "\u{00DB}", "Uuml": "\u{00DC}",
    "Yacute": "\u{00DD}", "THORN": "\u{00DE}", "OElig": "\u{0152}", "oelig": "\u{0153}",
    "Scaron": "\u{0160}", "scaron": "\u{0161}", "Yuml": "\u{0178}", "fnof": "\u{0192}",
    "circ": "\u{02C6}", "tilde": "\u{02DC}", "alpha": "\u{03B1}", "beta": "\u{03B2}",
    "gamma": "\u{03B3}", "delta": "\u{03B4}", "pi": "\u{03C0}", "mu": "\u{03BC}",
    "sigma": "\u{03C3}", "omega": "\u{03C9}", "lambda": "\u{03BB}", "Omega": "\u{03A9}",
  ]

  /// What a numeric reference in 0x80...0x9F means: HTML reads those as Windows-1252.
  static let windows1252C1: [UInt32: UInt32] = [
    0x80: 0x20AC, 0x82: 0x201A, 0x83: 0x0192, 0x84: 0x201E, 0x85: 0x2026, 0x86: 0x2020,
    0x87: 0x2021, 0x88: 0x02C6, 0x89: 0x2030, 0x8A: 0x0160, 0x8B: 0x2039, 0x8C: 0x0152,
    0x8E: 0x017D, 0x91: 0x2018, 0x92: 0x2019, 0x93: 0x201C, 0x94: 0x201D, 0x95: 0x2022,
    0x96: 0x2013, 0x97: 0x2014, 0x98: 0x02DC, 0x99: 0x2122, 0x9A: 0x0161, 0x9B: 0x203A,
    0x9C: 0x0153, 0x9E: 0x017E, 0x9F: 0x0178,
  ]
}
