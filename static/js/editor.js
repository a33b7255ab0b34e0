/*
 * Turns <textarea class="js-ckeditor5"> into CKEditor 5 (ClassicEditor).
 *
 * CKEditor 5 48.5.2 from the npm registry, served from static/vendor/ckeditor5
 * (see its VERSION file). Progressive enhancement: without JavaScript, or if
 * the editor fails to load, the plain textarea stays and the form still works.
 *
 * Deliberately limited: no source editing, no HTML embed, no General HTML
 * Support. The server sanitises the body anyway; the toolbar only offers what
 * the public article can show. Images go to the portal's own upload view
 * (SimpleUploadAdapter with the CSRF token header).
 */

function csrfToken(element) {
  const form = element.closest("form");
  const input = form && form.querySelector("input[name=csrfmiddlewaretoken]");
  if (input) {
    return input.value;
  }
  const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function labelFor(element) {
  const label = element.id && document.querySelector(`label[for="${element.id}"]`);
  return label ? label.textContent.trim() : "";
}

async function enhance(textarea) {
  const [ck, translation] = await Promise.all([
    import(textarea.dataset.editorSrc),
    import(textarea.dataset.editorTranslation),
  ]);
  const {
    ClassicEditor, Essentials, Paragraph, Heading, Bold, Italic, Link, AutoLink,
    List, BlockQuote, Table, TableToolbar, Image, ImageUpload, ImageToolbar,
    ImageCaption, ImageTextAlternative, SimpleUploadAdapter, Autoformat,
    PasteFromOffice,
  } = ck;

  // The browser must not block submission on a textarea the editor hides;
  // the server checks that the body is not empty.
  textarea.removeAttribute("required");

  const editor = await ClassicEditor.create(textarea, {
    licenseKey: "GPL",
    language: "id",
    translations: [translation.default],
    label: labelFor(textarea),
    plugins: [
      Essentials, Paragraph, Heading, Bold, Italic, Link, AutoLink, List,
      BlockQuote, Table, TableToolbar, Image, ImageUpload, ImageToolbar,
      ImageCaption, ImageTextAlternative, SimpleUploadAdapter, Autoformat,
      PasteFromOffice,
    ],
    toolbar: {
      items: [
        "undo", "redo", "|", "heading", "|", "bold", "italic", "link", "|",
        "bulletedList", "numberedList", "blockQuote", "insertTable",
        "uploadImage",
      ],
      shouldNotGroupWhenFull: true,
    },
    heading: {
      // The article title is the page's <h1>: the body starts at <h2>.
      options: [
        { model: "paragraph", title: "Paragraf", class: "ck-heading_paragraph" },
        { model: "heading2", view: "h2", title: "Subjudul", class: "ck-heading_heading2" },
        { model: "heading3", view: "h3", title: "Subjudul kecil", class: "ck-heading_heading3" },
      ],
    },
    link: { defaultProtocol: "https://" },
    table: { contentToolbar: ["tableColumn", "tableRow", "mergeTableCells"] },
    image: {
      toolbar: ["imageTextAlternative", "toggleImageCaption"],
      upload: { types: ["jpeg", "png", "webp", "heic", "heif"] },
    },
    simpleUpload: {
      uploadUrl: textarea.dataset.uploadUrl,
      headers: { "X-CSRFToken": csrfToken(textarea) },
    },
  });
  // Every image needs a text alternative written by the writer: the image
  // toolbar's "Ubah teks alternatif" button sets it. Until then a notice
  // under the editor says how many images still lack one (the server warns
  // again on the post's page before it is sent).
  const notice = document.createElement("p");
  notice.className = "editor-alt-warning";
  notice.setAttribute("role", "status");
  notice.hidden = true;
  textarea.insertAdjacentElement("afterend", notice);
  const countMissingAlt = () => {
    let missing = 0;
    const range = editor.model.createRangeIn(editor.model.document.getRoot());
    for (const item of range.getItems()) {
      if (item.is("element") && (item.name === "imageBlock" || item.name === "imageInline")) {
        if (!(item.getAttribute("alt") || "").trim()) {
          missing += 1;
        }
      }
    }
    notice.hidden = missing === 0;
    notice.textContent = missing
      ? `${missing} gambar belum memiliki teks alternatif. Klik gambarnya, pilih tombol “Ganti alternatif teks gambar” di atas gambar, lalu gambarkan isinya bagi pembaca tunanetra.`
      : "";
  };
  editor.model.document.on("change:data", countMissingAlt);
  countMissingAlt();
  // After an upload, select the new image so its toolbar (with the
  // text-alternative button) appears at once.
  editor.plugins.get("ImageUploadEditing").on("uploadComplete", (evt, { imageElement }) => {
    editor.model.change((writer) => writer.setSelection(imageElement, "on"));
  });
  textarea.classList.add("is-enhanced");
  return editor;
}

for (const textarea of document.querySelectorAll("textarea.js-ckeditor5")) {
  enhance(textarea).catch((error) => {
    // Keep the plain textarea: the contributor can still write and save.
    console.error("CKEditor tidak dapat dimuat; memakai kotak teks biasa.", error);
  });
}
