// The one translation unit that compiles stb_image's implementation.
// PNG and JPEG only, no stdio-free tricks, failure reasons kept for messages.
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_ONLY_JPEG
#include <stb_image.h>
