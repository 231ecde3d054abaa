#include "engine/data/dataset.h"

namespace nova::data {

ImageSet make_pool(const Dataset& ds) { return concat(ds.train, ds.test); }

}  // namespace nova::data
