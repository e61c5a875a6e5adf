//! Elastic columns as Go's `text/tabwriter` lays them out for Hubble (`NewWriter(w, 2, 0, 3, ' ',
//! 0)`): a cell is as wide as the widest cell of its column block plus 3 spaces (at least 2); the
//! last cell of a line is not a column and is never padded.
//!
//! A column block is a run of consecutive lines that all have a cell in that column, so a line
//! with fewer cells starts new blocks for the columns it lacks, as in Go.

/// Collects tab-separated lines and aligns them on [`TabWriter::finish`].
#[derive(Debug, Default)]
pub struct TabWriter {
    lines: Vec<Vec<String>>,
}

const MIN_WIDTH: usize = 2;
const PADDING: usize = 3;

impl TabWriter {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one line of cells; the last one is printed as is.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.lines.push(cells.into_iter().map(Into::into).collect());
    }

    /// True before the first line.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The aligned text, one `\n`-terminated line per row.
    pub fn finish(&self) -> String {
        let mut widths: Vec<Vec<usize>> =
            self.lines.iter().map(|l| vec![0; l.len().saturating_sub(1)]).collect();
        let columns = widths.iter().map(Vec::len).max().unwrap_or(0);
        for col in 0..columns {
            let mut start = 0;
            while start < self.lines.len() {
                if widths[start].len() <= col {
                    start += 1;
                    continue;
                }
                let mut end = start;
                while end < self.lines.len() && widths[end].len() > col {
                    end += 1;
                }
                let width = self.lines[start..end]
                    .iter()
                    .map(|l| l[col].chars().count() + PADDING)
                    .max()
                    .unwrap_or(0)
                    .max(MIN_WIDTH);
                for w in &mut widths[start..end] {
                    w[col] = width;
                }
                start = end;
            }
        }
        let mut out = String::new();
        for (line, widths) in self.lines.iter().zip(&widths) {
            for (i, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if let Some(w) = widths.get(i) {
                    out.extend(std::iter::repeat_n(' ', w - cell.chars().count()));
                }
            }
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_like_go_tabwriter() {
        let mut t = TabWriter::new();
        t.row(["NAME", "STATUS", "AGE"]);
        t.row(["node-long-name", "Connected", "1h"]);
        t.row(["b", "", ""]);
        assert_eq!(
            t.finish(),
            "NAME             STATUS      AGE\n\
             node-long-name   Connected   1h\n\
             b                            \n"
        );
    }

    #[test]
    fn short_lines_split_column_blocks() {
        let mut t = TabWriter::new();
        t.row(["aaaaaa", "b", "c"]);
        t.row(["x"]);
        t.row(["y", "z"]);
        assert_eq!(t.finish(), "aaaaaa   b   c\nx\ny   z\n");
    }
}
