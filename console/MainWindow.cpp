#include "MainWindow.h"

#include <QCoreApplication>
#include <QLabel>
#include <QStatusBar>
#include <QVBoxLayout>

namespace vestnik {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Vestnik Console"));
    resize(1024, 640);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *productLabel = new QLabel(QStringLiteral("Vestnik"), central);
    productLabel->setObjectName(QStringLiteral("productNameLabel"));
    QFont heading = productLabel->font();
    heading.setPointSizeF(heading.pointSizeF() * 2.5);
    heading.setBold(true);
    productLabel->setFont(heading);
    productLabel->setAlignment(Qt::AlignCenter);
    auto *taglineLabel = new QLabel(tr("Push notifications for your shop: templates, campaigns, analytics"), central);
    taglineLabel->setObjectName(QStringLiteral("taglineLabel"));
    taglineLabel->setAlignment(Qt::AlignCenter);
    layout->addStretch();
    layout->addWidget(productLabel);
    layout->addWidget(taglineLabel);
    layout->addStretch();
    setCentralWidget(central);

    m_connectionLabel = new QLabel(tr("Not connected"), this);
    m_connectionLabel->setObjectName(QStringLiteral("connectionLabel"));
    statusBar()->setObjectName(QStringLiteral("mainStatusBar"));
    statusBar()->addPermanentWidget(m_connectionLabel);
    statusBar()->showMessage(tr("Vestnik %1 ready").arg(QCoreApplication::applicationVersion()));
}

} // namespace vestnik
