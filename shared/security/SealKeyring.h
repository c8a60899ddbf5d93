#pragma once

#include "util/Result.h"

namespace vestnik {

class Config;
class Sealer;

/// The sealing keys a configuration names: the current one (`security.seal_key`, else the file
/// `security.seal_key_file`) and the retired ones (`security.retired_seal_keys`,
/// `security.retired_seal_key_files`), whose values still open until they are re-sealed. Relative files are
/// taken below `worker.data_dir`. Errors name the key and where its value came from, never the value.
class SealKeyring final
{
public:
    /// Whether a missing key file is created (a worker's first start) or an error (admin commands, which must
    /// never invent a key).
    enum class MissingKeyFile { Create, Refuse };

    static Result<Sealer> sealerFrom(const Config &config, MissingKeyFile missingKeyFile);
};

} // namespace vestnik
