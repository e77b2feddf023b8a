"""The four charts of the Reports page (QtCharts), each rebuilt from a Figures value."""

from __future__ import annotations

from PySide6.QtCharts import (
    QAbstractAxis,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QEvent, QMargins, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QApplication, QFrame, QSizePolicy, QWidget

from safespace_desk.reports.figures import Figures
from safespace_desk.ui.kit.theme import current_colours
from safespace_desk.ui.reports import formatting as fmt

BLUE, GREEN, ORANGE, RED, GREY = "#1f5fa8", "#2e8b57", "#c77c1e", "#b3362a", "#8d98a5"
CHART_HEIGHT = 236
CHART_FURNITURE = 130  # title, legend, value axis and margins, in pixels
ROW_LINES = 1.6  # a category label's line and the gap Qt leaves between labels


class ChartPanel(QChartView):
    """A chart that fits the page's colours (day or night) and takes no keyboard focus: the
    numbers behind every chart are also in the tables and exports."""

    def __init__(self, title: str, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        # Fixed height: four charts and the headline tiles fit a 1366x768 screen without scrolling;
        # a chart with a bar per agency or source grows to give each its label (fit_rows).
        self.setFixedHeight(CHART_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(accessible)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self._title = title
        self.setChart(self._blank())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.StyleChange:  # Night colours turned on or off
            paint_chart(self, self.chart())

    def _blank(self) -> QChart:
        chart = QChart()
        chart.setTitle(self._title)
        chart.setTheme(QChart.ChartTheme.ChartThemeLight)  # the colours are set in paint_chart
        chart.setBackgroundRoundness(6)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.legend().setFont(chart_font(0.8))
        title = chart_font(0.9)
        title.setBold(True)
        chart.setTitleFont(title)
        return chart

    def show_chart(self, chart: QChart) -> None:
        paint_chart(self, chart)
        old = self.chart()
        self.setChart(chart)
        if old is not None:
            old.deleteLater()  # setChart leaves the old chart to us

    def new_chart(self) -> QChart:
        return self._blank()

    def fit_rows(self, rows: int) -> None:
        """Room for a label per bar of a horizontal bar chart: Qt drops the category labels that do
        not fit (finding 8: four of nine agencies were named), so the chart grows instead."""
        line = QFontMetrics(chart_font(0.75)).height()
        self.setFixedHeight(max(CHART_HEIGHT, CHART_FURNITURE + round(rows * line * ROW_LINES)))


def paint_chart(view: QChartView, chart: QChart | None) -> None:
    """The theme's colours on a chart and its axes (QtCharts' own dark theme would also recolour the
    bars, and a white chart glares on the night page)."""
    c = current_colours()  # the panels' colours, day or night
    background, text, grid, line = c.surface, c.text, c.line, c.edge
    view.setBackgroundBrush(QBrush(QColor(background)))
    if chart is None:
        return
    chart.setBackgroundBrush(QBrush(QColor(background)))
    chart.setBackgroundPen(QPen(Qt.PenStyle.NoPen))
    chart.setTitleBrush(QBrush(QColor(text)))
    chart.legend().setLabelColor(QColor(text))
    for axis in chart.axes():
        axis.setLabelsColor(QColor(text))
        axis.setTitleBrush(QBrush(QColor(text)))
        axis.setGridLineColor(QColor(grid))
        axis.setLinePenColor(QColor(line))
    for series in chart.series():
        for bar_set in getattr(series, "barSets", list)():
            bar_set.setLabelColor(QColor(text))


def chart_font(scale: float) -> QFont:
    """Chart text a little smaller than the page's, so eight category labels fit a small chart
    without Qt shortening them to "…" (it follows the large-text option when the chart is built)."""
    font = QFont(QApplication.font())
    font.setPointSizeF(max(7.0, QApplication.font().pointSizeF() * scale))
    return font


def _axis_font(axis: QAbstractAxis) -> QAbstractAxis:
    axis.setLabelsFont(chart_font(0.75))
    axis.setTitleFont(chart_font(0.75))
    axis.setTruncateLabels(False)  # Qt truncates to "…" even where the label fits
    return axis


def _bar_set(name: str, values: list[float], colour: str) -> QBarSet:
    bar_set = QBarSet(name)
    bar_set.append([float(v) for v in values])
    bar_set.setColor(QColor(colour))
    bar_set.setBorderColor(QColor(colour))
    return bar_set


def _value_axis(maximum: float) -> QValueAxis:
    axis = QValueAxis()
    _axis_font(axis)
    axis.setLabelFormat("%d")
    axis.setRange(0, max(4.0, maximum * 1.1))
    axis.setTickCount(5)
    axis.applyNiceNumbers()
    return axis


def daily_guests(panel: ChartPanel, f: Figures) -> None:
    chart = panel.new_chart()
    values = [n for _, n in f.daily_unique_guests]
    series = QBarSeries()
    series.append(_bar_set("Different guests present", values, BLUE))
    series.setBarWidth(0.8)
    chart.addSeries(series)
    x_axis = _axis_font(QBarCategoryAxis())
    if len(values) <= 31:
        # Day numbers are unique within a month, short enough to fit under 31 bars.
        x_axis.append([str(d.day) for d, _ in f.daily_unique_guests])
        x_axis.setLabelsFont(chart_font(0.65))
    else:
        # Longer ranges: too many bars to label each; the axis title gives the dates instead.
        x_axis.append([d.isoformat() for d, _ in f.daily_unique_guests])
        x_axis.setLabelsVisible(False)
        x_axis.setTitleText(f"{f.first_day:%-d %b %Y} to {f.last_day:%-d %b %Y}")
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x_axis)
    y_axis = _value_axis(max(values, default=0))
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y_axis)
    chart.legend().hide()
    panel.show_chart(chart)


def arrivals(panel: ChartPanel, f: Figures) -> None:
    chart = panel.new_chart()
    # Bottom to top in Qt's horizontal bars, so reverse to read top-down in the usual order.
    items = list(reversed(list(f.arrivals_by_source.items())))
    series = QHorizontalBarSeries()
    series.append(_bar_set("Sign-ins", [n for _, n in items], BLUE))
    series.setLabelsVisible(True)
    series.setLabelsPosition(QHorizontalBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.barSets()[0].setLabelFont(chart_font(0.7))
    chart.addSeries(series)
    y_axis = _axis_font(QBarCategoryAxis())
    y_axis.append([fmt.source_label(s) for s, _ in items])
    panel.fit_rows(len(items))
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y_axis)
    x_axis = _value_axis(max((n for _, n in items), default=0))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x_axis)
    chart.legend().hide()
    panel.show_chart(chart)


def occupancy(panel: ChartPanel, f: Figures) -> None:
    chart = panel.new_chart()
    series = QBarSeries()
    for name, values, colour in (("Peak", [o.peak for o in f.occupancy], BLUE),
                                 ("Average", [o.average for o in f.occupancy], GREEN),
                                 ("Places", [o.places for o in f.occupancy], GREY)):
        series.append(_bar_set(name, values, colour))
    series.setLabelsVisible(True)
    series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsPrecision(3)
    for bar_set in series.barSets():
        bar_set.setLabelFont(chart_font(0.7))
    chart.addSeries(series)
    x_axis = _axis_font(QBarCategoryAxis())
    x_axis.append([o.name for o in f.occupancy] or ["No periods"])
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x_axis)
    y_axis = _value_axis(max([o.places for o in f.occupancy] + [o.peak for o in f.occupancy], default=0))
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y_axis)
    panel.show_chart(chart)


def messages(panel: ChartPanel, f: Figures) -> None:
    chart = panel.new_chart()
    agencies = list(reversed(list(f.messages_by_agency.items())))
    series = QHorizontalStackedBarSeries()
    for name, values, colour in (("Delivered", [a.delivered for _, a in agencies], GREEN),
                                 ("Expired", [a.expired for _, a in agencies], ORANGE),
                                 ("Not passed on", [a.not_passed_on for _, a in agencies], RED)):
        series.append(_bar_set(name, values, colour))
    chart.addSeries(series)
    y_axis = _axis_font(QBarCategoryAxis())
    y_axis.append([name for name, _ in agencies] or ["No messages"])
    panel.fit_rows(len(agencies))
    chart.addAxis(y_axis, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(y_axis)
    totals = [a.delivered + a.expired + a.not_passed_on for _, a in agencies]
    x_axis = _value_axis(max(totals, default=0))
    chart.addAxis(x_axis, Qt.AlignmentFlag.AlignBottom)
    series.attachAxis(x_axis)
    panel.show_chart(chart)
