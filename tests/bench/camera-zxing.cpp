// camera-zxing.cpp — the peer decoder of bench-camera: zxing-cpp 1.4 ReadBarcodes (QR only,
// library defaults otherwise: tryHarder, tryRotate, tryDownscale) over the same Y800
// frames ZBar gets, behind a C entry point. Benchmark only: the product stays pure C.
#define ZX_USE_UTF8 1
#include <ZXing/ReadBarcode.h>

#include <cstddef>
#include <cstdint>
#include <exception>

extern "C" {
typedef void (*HbZxingFound) (const char *bytes, size_t length, void *data);
int hb_zxing_decode (const uint8_t *y800, int width, int height, int stride, HbZxingFound found,
                     void *data);
}

// Valid QR codes found in the frame (their raw payload bytes go to found), or -1 when
// zxing-cpp threw.
int
hb_zxing_decode (const uint8_t *y800, int width, int height, int stride, HbZxingFound found,
                 void *data)
{
  try
    {
      ZXing::ImageView view (y800, width, height, ZXing::ImageFormat::Lum, stride);
      ZXing::DecodeHints hints;
      hints.setFormats (ZXing::BarcodeFormat::QRCode);
      int n = 0;
      for (const auto &r : ZXing::ReadBarcodes (view, hints))
        {
          if (!r.isValid ())
            continue;
          n++;
          if (found)
            found (reinterpret_cast<const char *> (r.bytes ().data ()), r.bytes ().size (), data);
        }
      return n;
    }
  catch (const std::exception &)
    {
      return -1;
    }
}
