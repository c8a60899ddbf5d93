#include "bus/SqlBus.h"

#include "bus/SqlBusConsumer.h"
#include "bus/SqlBusProducer.h"
#include "store/Database.h"

namespace vestnik {

SqlBus::SqlBus(const Database &database, const Clock &clock, Settings settings)
    : m_database(database), m_clock(clock), m_settings(settings), m_wakeups(std::make_shared<SqlBusWakeups>())
{}

SqlBus::~SqlBus() = default;

Result<void> SqlBus::checkTables(const Database &database)
{
    Result<QSqlQuery> probe =
        database.run(QStringLiteral("SELECT (SELECT COUNT(*) FROM bus_messages WHERE id < 0)"
                                    " + (SELECT COUNT(*) FROM bus_offsets WHERE next_offset < 0)"
                                    " + (SELECT COUNT(*) FROM bus_leases WHERE expires_at < 0)"),
                     {}, QStringLiteral("the message bus's tables are missing (schema migration 0005)"));
    if (!probe)
        return probe.error();
    return {};
}

std::unique_ptr<BusProducer> SqlBus::makeProducer(QObject *parent)
{
    return std::make_unique<SqlBusProducer>(m_database, m_clock, m_wakeups, parent);
}

std::unique_ptr<BusConsumer> SqlBus::makeConsumer(BusConsumer::Settings settings, BusConsumer::Handler handler,
                                                  QObject *parent)
{
    return std::make_unique<SqlBusConsumer>(m_database, m_clock, m_settings, m_wakeups, std::move(settings),
                                            std::move(handler), parent);
}

} // namespace vestnik
