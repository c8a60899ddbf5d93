#include "Page.h"

#include "ErrorText.h"
#include "api/ApiAnswer.h"

namespace vestnik {

Page::Page(ApiClient &api, QWidget *parent) : QWidget(parent), m_api(api) {}

bool Page::isVisibleTo(const QString &role) const
{
    return !role.isEmpty();
}

void Page::reportFailure(const ApiAnswer &answer, const QString &action)
{
    if (answer.failure == ApiFailure::Cancelled)
        return;
    Q_EMIT failed(ErrorText::describe(answer, action));
}

} // namespace vestnik
