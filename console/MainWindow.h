#pragma once

#include <QMainWindow>

class QLabel;

namespace vestnik {

/// The console's main window: the product name and a status bar that tells whether the console is
/// connected to a worker. Sections (templates, campaigns, reports...) dock into it as they are built.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);

private:
    QLabel *m_connectionLabel = nullptr;
};

} // namespace vestnik
