"""Characters that read as others (core/folding.py folds them): letters of other scripts
that look like Latin ones, capitals that fold to a letter of another look, and characters that
show as nothing."""

from __future__ import annotations

# Letters of other scripts that look like Latin ones, and Latin letters that Unicode does not
# decompose: a name written with a Cyrillic 'і' or in small capitals reads the same to a person.
LOOKALIKES = str.maketrans({
    # Cyrillic (after case folding, so that capitals count too)
    "а": "a", "в": "b", "г": "r", "е": "e", "и": "u", "і": "i", "ј": "j", "к": "k", "м": "m",
    "н": "h", "о": "o", "п": "n", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ь": "b", "һ": "h", "ӏ": "l", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ү": "y",
    # Greek
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ϳ": "j", "ζ": "z", "μ": "u",
    # small capitals
    **dict(zip("ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ", "abcdefghijklmnoprstuvwyz", strict=True)),
    # Latin letters without a decomposition, and IPA letters that look like plain ones
    "ı": "i", "ȷ": "j", "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d",
    "þ": "th", "ɑ": "a", "ɩ": "i", "ǀ": "l", "ɡ": "g", "ɒ": "a", "ʋ": "u",
    # Armenian, Coptic, and strokes that pass for an l
    "օ": "o", "ս": "u", "հ": "h", "ո": "n", "ց": "g", "զ": "q", "ⲙ": "m", "ⲁ": "a",
    "ⲟ": "o", "ⲣ": "p", "ⲥ": "c", "ⲭ": "x", "ⲓ": "i", "ⲕ": "k", "ⲛ": "n", "∣": "l", "׀": "l",
    "ߊ": "a", "ǃ": "!",
    # Cherokee capitals (case folding maps Cherokee to its capitals)
    "Ꭺ": "a", "Ᏼ": "b", "Ꮯ": "c", "Ꭰ": "d", "Ꭼ": "e", "Ꮐ": "g", "Ꮋ": "h", "Ꭵ": "i",
    "Ꭻ": "j", "Ꮶ": "k", "Ꮮ": "l", "Ꮇ": "m", "Ꮎ": "o", "Ꮲ": "p", "Ꮢ": "r", "Ꮪ": "s",
    "Ꭲ": "t", "Ꮩ": "v", "Ꮃ": "w", "Ꮓ": "z",
    # Lisu letters (a script without case) that are Latin capitals to the eye
    **dict(zip("ꓮꓐꓚꓓꓰꓝꓖꓧꓲꓙꓗꓡꓟꓠꓳꓑꓣꓢꓔꓴꓦꓪꓫꓬꓜ", "abcdefghijklmnoprstuvwxyz", strict=True)),
    # Canadian syllabics that pass for Latin letters
    **dict(zip("ᗅᗩᗷᑲᖯᑕᗪᗞᑯᕮᗴᖴᕼᒍᒪᗰᑎᑭᖇᔕᑌᐯᗯ᙭ᘔ", "aabbbcdddeefhjlmnprsuvwxz", strict=True)),
    # negative circled and negative squared capitals (without a compatibility decomposition)
    **{chr(base + n): chr(ord("a") + n) for base in (0x1F150, 0x1F170) for n in range(26)},
})
# Capitals that look like a Latin capital, where case folding would make them a small letter
# that looks like another one (Greek Η looks like H, its η like n; Μ like M, its μ like u).
CAPITALS = {
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m", "Ν": "n",
    "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x",
}
# Characters that show as nothing at all, beyond Unicode's format characters.
BLANK = set("\u115f\u1160\u3164\uffa0\u2800\u180e\u17b4\u17b5\u034f")
