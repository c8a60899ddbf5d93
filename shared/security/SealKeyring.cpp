#include "security/SealKeyring.h"

#include "security/Sealer.h"
#include "util/Config.h"

#include <QDir>
#include <QFileInfo>

namespace vestnik {

namespace {

const QString kSealKey = QStringLiteral("security.seal_key");
const QString kSealKeyFile = QStringLiteral("security.seal_key_file");
const QString kRetiredKeys = QStringLiteral("security.retired_seal_keys");
const QString kRetiredKeyFiles = QStringLiteral("security.retired_seal_key_files");

QStringList listOf(const Config &config, const QString &key)
{
    QStringList items;
    for (const QString &item : config.string(key).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!item.trimmed().isEmpty())
            items.append(item.trimmed());
    }
    return items;
}

Error configError(const Config &config, const QString &key, const QString &problem)
{
    return makeError(ErrorCode::InvalidConfig,
                     QStringLiteral("%1 (from %2): %3").arg(key, config.origin(key), problem));
}

} // namespace

Result<Sealer> SealKeyring::sealerFrom(const Config &config, MissingKeyFile missingKeyFile)
{
    const QDir dataDir(config.string(QStringLiteral("worker.data_dir")));
    const QString hexKey = config.string(kSealKey);
    const QString keyPath = dataDir.absoluteFilePath(config.string(kSealKeyFile));
    if (hexKey.isEmpty() && missingKeyFile == MissingKeyFile::Refuse && !QFileInfo::exists(keyPath))
        return configError(config, kSealKeyFile,
                           QStringLiteral("the key file %1 does not exist (and %2 is not set)").arg(keyPath, kSealKey));
    Result<Sealer> sealer =
        hexKey.isEmpty() ? Sealer::loadOrCreate(keyPath) : Sealer::fromKey(QByteArray::fromHex(hexKey.toLatin1()));
    if (!sealer)
        return sealer.error();

    const QStringList hexKeys = listOf(config, kRetiredKeys);
    for (qsizetype i = 0; i < hexKeys.size(); ++i) {
        const QByteArray key = QByteArray::fromHex(hexKeys.at(i).toLatin1());
        // fromHex skips what is not a hex digit: the length check alone would let "zz..." through.
        if (hexKeys.at(i).size() != 64 || key.size() != 32 || key.toHex() != hexKeys.at(i).toLower().toLatin1())
            return configError(
                config, kRetiredKeys,
                QStringLiteral("key %1 of %2 is not 64 hex digits (a 256-bit key)").arg(i + 1).arg(hexKeys.size()));
        if (Result<void> added = sealer->addRetiredKey(key); !added)
            return added.error();
    }
    for (const QString &file : listOf(config, kRetiredKeyFiles)) {
        Result<QByteArray> key = Sealer::readKeyFile(dataDir.absoluteFilePath(file));
        if (!key)
            return configError(config, kRetiredKeyFiles, key.error().message);
        if (Result<void> added = sealer->addRetiredKey(*key); !added)
            return added.error();
    }
    return sealer;
}

} // namespace vestnik
