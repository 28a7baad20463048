//! Progress of long jobs (imports, demo data, index builds): a bar on a terminal, plain lines
//! in a log.

/// Progress of a long job: a bar on a terminal, plain lines otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
    label: String,
    total: u64,
    done: u64,
    last_line: u64,
}

impl Progress {
    pub fn new(label: &str, total: u64) -> Progress {
        use is_terminal::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({eta})")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b.set_message(label.to_string());
            b
        });
        Progress {
            bar,
            label: label.to_string(),
            total,
            done: 0,
            last_line: 0,
        }
    }

    pub fn inc(&mut self, n: u64) {
        self.done += n;
        match &self.bar {
            Some(b) => b.inc(n),
            None => {
                // Halfway and done: a log stays readable and the server's address, printed
                // after the first start's loading, is not buried.
                let step = (self.total / 2).max(1);
                if self.done >= self.last_line + step || self.done >= self.total {
                    self.last_line = self.done;
                    eprintln!("{}: {}/{}", self.label, self.done, self.total);
                }
            }
        }
    }

    pub fn finish(self) {
        if let Some(b) = self.bar {
            b.finish();
        }
    }
}
