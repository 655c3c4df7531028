"""The import pages' words (services/intake/imports/pages.py): key -> (Bahasa Indonesia,
English), joined into i18n.TEXT; and an import's status."""

from __future__ import annotations

IMPORT_STATUS = {
    "queued": ("antre", "queued"),
    "running": ("sedang diproses", "running"),
    "done": ("selesai", "done"),
    "failed": ("gagal", "failed"),
}

IMPORT_TEXT: dict[str, tuple[str, str]] = {
    "nav.import": ("Impor berkas", "Import a file"),
    "imp.title": ("Impor rujukan dari berkas", "Import referrals from a file"),
    "imp.intro": (
        "Daftar banyak orang sekaligus, misalnya korban bencana: satu baris satu orang. "
        "Setiap baris diperiksa seperti satu rujukan; baris yang salah disebutkan nomornya "
        "dan tidak disimpan, baris yang benar menjadi kasus dan langsung dirutekan. Berkas "
        "yang sama dikirim lagi tidak membuat kasus baru.",
        "Many people at once, such as disaster victims: one row a person. Each row is "
        "checked as one referral; a bad row is named by its number and not stored, the "
        "good rows become cases and are routed at once. The same file sent again creates "
        "nothing.",
    ),
    "imp.formats": (
        "CSV (UTF-8, dipisah koma atau titik koma) atau XLSX, paling besar",
        "CSV (UTF-8, comma or semicolon) or XLSX, at most",
    ),
    "imp.rows_max": ("baris", "rows"),
    "imp.template": ("Unduh templat:", "Download the template:"),
    "imp.template_xlsx": ("XLSX (dengan daftar pilihan)", "XLSX (with drop-down lists)"),
    "imp.file": ("Berkas", "File"),
    "imp.send": ("Unggah dan proses", "Upload and process"),
    "imp.refused": ("Berkas tidak dapat diterima:", "The file was refused:"),
    "imp.recent": ("Impor terakhir Anda", "Your latest imports"),
    "imp.when": ("Waktu", "When"),
    "imp.filename": ("Berkas", "File"),
    "imp.status": ("Status", "Status"),
    "imp.of": ("dari", "of"),
    "imp.rows_done": ("baris diproses", "rows processed"),
    "imp.created": ("Kasus dibuat", "Cases created"),
    "imp.duplicates": ("Kemungkinan duplikat", "Possible duplicates"),
    "imp.failed": ("Baris gagal", "Rows failed"),
    "imp.already": ("Sudah pernah diimpor", "Already imported"),
    "imp.errors": ("Baris yang gagal", "Rows that failed"),
    "imp.row": ("Baris", "Row"),
    "imp.column": ("Kolom", "Column"),
    "imp.problem": ("Masalah", "Problem"),
    "imp.download_failed": ("Unduh baris yang gagal (CSV)", "Download the failed rows (CSV)"),
    "imp.fix_hint": (
        "Perbaiki baris-baris ini di berkas unduhan, lalu unggah berkas itu lagi.",
        "Fix these rows in the downloaded file, then upload it again.",
    ),
    "imp.more_errors": ("Daftar lengkap ada di berkas unduhan.", "The download has them all."),
    "imp.again": ("Impor berkas lain", "Import another file"),
    "imp.live": (
        "Halaman ini diperbarui sendiri sampai selesai.",
        "This page updates itself until done.",
    ),
    "imp.none": ("Belum ada impor.", "No imports yet."),
    "imp.rows": ("Baris", "Rows"),
    "imp.progress": ("Kemajuan impor", "Import progress"),
    "imp.job_failed": (
        "Impor ini berhenti dan tidak dapat diselesaikan.",
        "This import stopped and could not be finished.",
    ),
    # why a file was refused, by FileRefused.kind (the detail follows in English)
    "imp.refused.too_large": (
        "Berkas terlalu besar. Bagi menjadi beberapa berkas yang lebih kecil.",
        "The file is too large. Split it into smaller files.",
    ),
    "imp.refused.too_many_rows": (
        "Berkas berisi terlalu banyak baris. Bagi menjadi beberapa berkas.",
        "The file has too many rows. Split it into several files.",
    ),
    "imp.refused.missing_columns": (
        "Ada kolom wajib yang tidak ada. Pakai judul kolom dari templat.",
        "A required column is missing. Use the template's column names.",
    ),
    "imp.refused.repeated_columns": (
        "Ada kolom yang ditulis dua kali.",
        "A column is given twice.",
    ),
    "imp.refused.no_rows": (
        "Berkas hanya berisi judul kolom, tanpa baris data.",
        "The file has the column names but no data rows.",
    ),
    "imp.refused.file_format": (
        "Simpan lembar kerja sebagai .xlsx atau sebagai CSV UTF-8.",
        "Save the spreadsheet as .xlsx or as CSV UTF-8.",
    ),
    "imp.refused.file_encoding": (
        "Berkas bukan UTF-8. Simpan sebagai 'CSV UTF-8'.",
        "The file is not UTF-8. Save it as 'CSV UTF-8'.",
    ),
    "imp.refused.file_invalid": ("Berkas tidak dapat dibaca.", "The file cannot be read."),
    # what a failed row's cell needs, by field (the worker's detail follows in English)
    "imp.err.category": (
        "Kode kategori PPKS, mis. KBA (daftarnya ada di templat XLSX).",
        "A PPKS category code, e.g. KBA (listed in the XLSX template).",
    ),
    "imp.err.village_code": (
        "Kode desa/kelurahan di wilayah kerja Anda, mis. 35.08.01.2001.",
        "A village code within your area, e.g. 35.08.01.2001.",
    ),
    "imp.err.urgency": ("Salah satu dari:", "One of:"),
    "imp.err.description": (
        "Uraian keadaan, 3 sampai 4000 huruf.",
        "A description of the situation, 3 to 4000 characters.",
    ),
    "imp.err.beneficiary_name": ("Nama penerima manfaat.", "The beneficiary's name."),
    "imp.err.beneficiary_nik": ("NIK 16 angka yang sah.", "A valid 16-digit NIK."),
    "imp.err.beneficiary_birth_date": (
        "Tanggal lahir yang sudah lewat, ditulis 17/08/1950 atau 1950-08-17.",
        "A past birth date, written 17/08/1950 or 1950-08-17.",
    ),
    "imp.err.beneficiary_sex": (
        "P (perempuan) atau L (laki-laki).",
        "F (female) or M (male).",
    ),
    "imp.err.needs": (
        "Kode kebutuhan dari templat, dipisah dengan titik koma (;).",
        "Need codes from the template, separated by semicolons (;).",
    ),
    "imp.err.disaster_scope": (
        "Hanya untuk kategori KBA dan KBS; salah satu dari:",
        "Only for KBA and KBS; one of:",
    ),
}
