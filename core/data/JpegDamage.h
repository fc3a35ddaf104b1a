#pragma once
// Whether a JPEG's compressed data is damaged inside, where no header check can see it. libjpeg
// decodes such a file anyway, with grey or smeared blocks where the data went wrong, and only
// prints a warning ("Corrupt JPEG data: premature end of data segment") that OpenCV passes to
// stderr without the file's name: the damaged photo trained and classified as if whole.
#include <QByteArray>
#include <QString>

namespace exemplar {

// Empty when libjpeg reads DATA to its end without a data-corruption warning; else why not, in
// libjpeg's words ("bad Huffman code"). Reads the entropy-coded data in full but reconstructs
// pixels at 1/8 scale (in grey where the file allows), so it costs a fraction of a full decode. Warnings that do not mean
// lost pixels (extraneous bytes before a marker, an unknown Adobe transform) are not damage.
QString jpegDataDamage(const QByteArray& data);

} // namespace exemplar
