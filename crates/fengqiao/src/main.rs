//! `fengqiao`: the server and its command line.

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use fengqiao::platform::Config;
use fengqiao::platform::search::SearchIndex;
use fengqiao::{bootstrap, demo, directory};
use figment::providers::Serialized;

#[derive(Parser)]
#[command(
    name = "fengqiao",
    version,
    about = "枫桥 Fengqiao: social organizations in social governance"
)]
struct Cli {
    /// Data directory (embedded database, keys, indexes). Env: FENGQIAO_DATA_DIR.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); unset means SQLite in the data directory. Env: DATABASE_URL.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the server (the default).
    Serve {
        /// Address to listen on. Env: FENGQIAO_ADDR.
        #[arg(long)]
        addr: Option<String>,
        /// Do not load the demo data set into an empty database.
        #[arg(long)]
        no_demo: bool,
    },
    /// Apply the database migrations and load the reference data, then exit.
    Migrate,
    /// Load the deterministic demo data set.
    Demo {
        #[arg(long, value_enum, default_value = "small")]
        scale: demo::Scale,
        #[arg(long, default_value_t = 2018)]
        seed: u64,
    },
    /// Rebuild the search index of the public register from the database.
    Reindex,
    /// Back up the database, keys and files into a new directory, while the server runs
    /// (SQLite: a consistent snapshot; PostgreSQL: the pg_dump command to run is printed).
    Backup { out: PathBuf },
    /// Restore a backup into the data directory. Stop the server first; the database it
    /// replaces is kept aside as fengqiao.db.before-restore-<time>.
    Restore { from: PathBuf },
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: ImportWhat,
    },
    /// Check a transparency-log proof offline (no server, no database).
    Verify {
        #[command(subcommand)]
        what: fengqiao::transparency::cli::Verify,
    },
}

#[derive(Subcommand)]
enum ImportWhat {
    /// The division table (code,name,level,parent_code,kind), e.g. next year's edition.
    Divisions { file: PathBuf },
    /// Organizations of an existing register: CSV or XLSX, UTF-8 or GB18030. Nothing is
    /// imported if any row is bad, unless --skip-bad (bad rows go to <FILE>.bad.csv).
    Organizations {
        file: PathBuf,
        #[arg(long)]
        skip_bad: bool,
    },
}

#[derive(serde::Serialize, Default)]
struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addr: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    demo: Option<bool>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("FENGQIAO_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let audit = matches!(
        &cli.command,
        Some(Command::Verify {
            what: fengqiao::transparency::cli::Verify::Audit
        })
    );
    if let Some(Command::Verify { what }) = cli.command.as_ref().filter(|_| !audit) {
        match fengqiao::transparency::cli::run(what) {
            Ok(line) => {
                println!("{line}");
                return Ok(());
            }
            Err(reason) => {
                eprintln!("{reason}");
                std::process::exit(1);
            }
        }
    }
    let mut o = Overrides {
        data_dir: cli.data_dir.clone(),
        database_url: cli.database_url.clone(),
        ..Default::default()
    };
    if let Some(Command::Serve { addr, no_demo }) = &cli.command {
        o.addr = addr.clone();
        if *no_demo {
            o.demo = Some(false);
        }
    }
    let config = Config::load(figment::Figment::from(Serialized::defaults(o)))?;
    match cli.command.unwrap_or(Command::Serve {
        addr: None,
        no_demo: false,
    }) {
        Command::Serve { .. } => serve(config).await,
        Command::Verify { .. } => {
            // Only `verify audit` comes here: the other checks ran offline above.
            let db = bootstrap::open(&config).await?;
            let v = fengqiao::transparency::audit::verify(&db).await?;
            if v.faults.is_empty() {
                println!(
                    "OK: {} audit batches ({} rows) match their anchors in the transparency log",
                    v.batches, v.rows
                );
                Ok(())
            } else {
                for f in &v.faults {
                    eprintln!("FAILED: {f}");
                }
                std::process::exit(1);
            }
        }
        Command::Migrate => {
            let db = bootstrap::open(&config).await?;
            bootstrap::load_reference_data(&db, false).await?;
            println!(
                "migrated {} ({})",
                config.effective_database_url(),
                db.backend().name()
            );
            Ok(())
        }
        Command::Demo { scale, seed } => {
            let db = bootstrap::open(&config).await?;
            bootstrap::load_reference_data(&db, false).await?;
            let pii = fengqiao::platform::pii::PiiCipher::load_or_create(&config.data_dir)?;
            demo::load(&db, &pii, scale, seed, false).await?;
            println!("demo data loaded ({scale:?}, seed {seed})");
            reindex(&db, &config).await
        }
        Command::Reindex => {
            let db = bootstrap::open(&config).await?;
            reindex(&db, &config).await
        }
        Command::Backup { out } => {
            let url = config.effective_database_url();
            let r = fengqiao::backup::backup(&url, &config.data_dir, &out).await?;
            match &r.database {
                Some(db) => println!("database snapshot: {}", db.display()),
                None => println!(
                    "PostgreSQL: complete the backup with\n  {}",
                    fengqiao::backup::pg_dump_command(&url, &out)
                ),
            }
            println!(
                "keys: {}, files: {} (in {})",
                r.keys,
                r.files,
                out.display()
            );
            Ok(())
        }
        Command::Restore { from } => {
            let url = config.effective_database_url();
            let sqlite = fengqiao::backup::sqlite_file(&url);
            let r = fengqiao::backup::restore(&from, &config.data_dir, sqlite.as_deref()).await?;
            match &r.database {
                Some(db) => println!("database restored: {}", db.display()),
                None => println!(
                    "PostgreSQL: restore the dump with\n  pg_restore --clean --dbname '{url}' {}",
                    from.join("fengqiao.pgdump").display()
                ),
            }
            println!("keys: {}, files: {} restored", r.keys, r.files);
            Ok(())
        }
        Command::Import {
            what: ImportWhat::Organizations { file, skip_bad },
        } => import_organizations(&config, &file, skip_bad).await,
        Command::Import {
            what: ImportWhat::Divisions { file },
        } => {
            let text = std::fs::read_to_string(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let db = bootstrap::open(&config).await?;
            let n = bootstrap::import_divisions(&db, &text, false).await?;
            println!("imported {n} divisions from {}", file.display());
            Ok(())
        }
    }
}

fn index_dir(config: &Config) -> PathBuf {
    config.data_dir.join("index")
}

async fn reindex(db: &fengqiao::platform::Db, config: &Config) -> anyhow::Result<()> {
    let index = SearchIndex::open(&index_dir(config))?;
    let n = directory::index::rebuild(db, &index, false).await?;
    println!("search index rebuilt: {n} organizations");
    Ok(())
}

/// `fengqiao import organizations FILE [--skip-bad]`: migrates an empty data directory first;
/// the index under the data directory is brought up to date when no server holds it (a running
/// server follows the outbox and finds the new organizations itself).
async fn import_organizations(config: &Config, file: &Path, skip_bad: bool) -> anyhow::Result<()> {
    let bytes = std::fs::read(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let db = bootstrap::open(config).await?;
    bootstrap::load_reference_data(&db, true).await?;
    let actor = directory::import::cli_actor();
    let report =
        directory::import::import_organizations(&db, chrono::Utc::now(), &actor, &bytes, skip_bad)
            .await?;
    for b in &report.bad {
        eprintln!(
            "line {}, column {}: {} / {} ({:?})",
            b.line, b.column, b.reason.zh, b.reason.en, b.value
        );
    }
    if !report.bad.is_empty() && skip_bad {
        let mut bad_path = file.as_os_str().to_owned();
        bad_path.push(".bad.csv");
        std::fs::write(&bad_path, report.bad_csv())?;
        eprintln!("bad rows written to {}", PathBuf::from(bad_path).display());
    }
    if report.imported > 0 {
        match SearchIndex::open(&index_dir(config)) {
            Ok(index) => match directory::index::ensure(&db, &index).await {
                Ok(()) => {}
                Err(e) => eprintln!(
                    "search index not updated here ({e}); a running server updates its own"
                ),
            },
            Err(e) => eprintln!("search index not opened ({e})"),
        }
    }
    println!(
        "{} rows, {} imported, {} bad",
        report.rows,
        report.imported,
        report
            .bad
            .iter()
            .map(|b| b.line)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );
    if report.imported == 0 && !report.bad.is_empty() {
        anyhow::bail!(
            "nothing imported: the file has bad rows (use --skip-bad to import the good ones)"
        );
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let metrics = fengqiao::platform::metrics::install(fengqiao::platform::metrics::UPKEEP_EVERY)?;
    let db = bootstrap::open(&config).await?;
    bootstrap::load_reference_data(&db, false).await?;
    let pii = fengqiao::platform::pii::PiiCipher::load_or_create(&config.data_dir)?;
    fengqiao::transparency::model::signing_key(&config.data_dir)?;
    let fresh = fengqiao::platform::auth::store::count_users(&db).await? == 0;
    if fresh && config.demo {
        demo::load(&db, &pii, demo::Scale::Small, 2018, false).await?;
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    // Listening for the signals before the address is announced: from then on a SIGTERM is a
    // graceful shutdown, never the default action (death, with every request in flight).
    let shutdown = shutdown_signal()?;
    println!(
        "Fengqiao (枫桥) is running at http://{addr}/  ({} database: {})",
        db.backend().name(),
        config.effective_database_url()
    );
    if config.demo
        && fengqiao::platform::auth::store::user_by_username(&db, demo::ACCOUNTS[0].username)
            .await?
            .is_some()
    {
        println!("Demo accounts (password: {}):", demo::DEMO_PASSWORD);
        for a in demo::ACCOUNTS {
            println!(
                "  {:<13} {:<18} {} {}",
                a.username,
                a.role.key(),
                a.region,
                a.region_name
            );
        }
    }
    let search = SearchIndex::open(&index_dir(&config))?;
    let state = bootstrap::state(db, config, bootstrap::system_clock(), Some(metrics), pii)
        .with_search(search);
    bootstrap::start(&state).await?;
    let app = fengqiao::app::router(state.clone());
    // With the peer's address: the login throttle counts failures per client address.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Every request in flight has been answered; what the donation intake still holds (a request
    // whose client went away) is committed before the process ends.
    bootstrap::stop(&state).await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves at the first SIGTERM (what `systemctl stop`, `docker stop` and Kubernetes send) or
/// SIGINT (Ctrl-C): the server then takes no new connections and finishes those in flight.
fn shutdown_signal() -> anyhow::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let (mut term, mut int) = {
        use tokio::signal::unix::{SignalKind, signal};
        (
            signal(SignalKind::terminate())?,
            signal(SignalKind::interrupt())?,
        )
    };
    Ok(async move {
        #[cfg(unix)]
        let name = tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        };
        #[cfg(not(unix))]
        let name = {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        };
        tracing::info!(
            signal = name,
            "shutting down gracefully: no new connections, requests in flight finish"
        );
    })
}
