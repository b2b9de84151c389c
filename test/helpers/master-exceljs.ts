export { writeMasterExceljs } from '../../core/node/workbook/merge';
