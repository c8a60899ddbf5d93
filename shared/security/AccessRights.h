#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace vestnik {

/// What a console user may do: admins everything, marketers content and sending, analysts reading.
enum class ConsoleRole {
    Admin,
    Marketer,
    Analyst,
};

/// "admin" / "marketer" / "analyst": the stored and the `role` claim's spelling.
QString consoleRoleName(ConsoleRole role);
/// The role a name spells (exactly, lower case), if any.
std::optional<ConsoleRole> consoleRoleFromName(QStringView name);

/// The scopes a service client can be granted: events:write, devices:write, devices:read, track:write.
const QStringList &serviceScopes();
/// Whether `scope` is one of serviceScopes().
bool isServiceScope(QStringView scope);

} // namespace vestnik
