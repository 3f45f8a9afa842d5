export { ChartView, type ChartViewProps } from './ChartView';
