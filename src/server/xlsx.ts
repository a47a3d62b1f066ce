/** Writes the week's tally tables as an Excel workbook (exceljs), one sheet, ready to paste. */
import ExcelJS from 'exceljs';
import { shortDate } from '../domain/format';
import type { Period } from '../domain/dates';
import type { TallyTable } from '../domain/exports';

export async function tallyWorkbook(title: string, period: Period, tables: readonly TallyTable[]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Relais';
  const sheet = book.addWorksheet('Bilan', { pageSetup: { paperSize: 9, orientation: 'portrait', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  sheet.columns = [{ width: 44 }, { width: 16 }, { width: 18 }, { width: 14 }, { width: 12 }];
  sheet.addRow([title]).font = { bold: true, size: 14 };
  sheet.addRow([`Période : du ${shortDate(period.from)} au ${shortDate(period.to)}`]);
  for (const table of tables) {
    sheet.addRow([]);
    sheet.addRow([table.title]).font = { bold: true, size: 12 };
    const header = sheet.addRow(table.header);
    header.font = { bold: true };
    header.eachCell((cell) => {
      cell.border = { bottom: { style: 'thin' } };
    });
    for (const row of table.rows) sheet.addRow(row.map((c) => c ?? ''));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
