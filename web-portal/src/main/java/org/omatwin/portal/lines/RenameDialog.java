package org.omatwin.portal.lines;

import com.vaadin.flow.component.Key;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.dialog.Dialog;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.validator.StringLengthValidator;
import java.util.function.Consumer;
import org.omatwin.portal.core.CoreError;

/**
 * Rename a twinned device (1 to 64 characters, unique among the line's devices: the core checks) or name
 * a line (1 to 32).
 */
class RenameDialog extends Dialog {
    /** The form's bean. */
    static final class Form {
        private String name;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }
    }

    final TextField name = new TextField();
    final Button save = new Button("Save");
    final Paragraph error = new Paragraph();

    RenameDialog(String current, String label, int maxLength, Consumer<String> rename) {
        setHeaderTitle("Rename " + current);
        name.setLabel(label);
        name.setMaxLength(maxLength);
        Binder<Form> binder = new Binder<>(Form.class);
        binder.forField(name).asRequired("Please enter a name.")
                .withValidator(new StringLengthValidator("A name has 1 to " + maxLength + " characters.", 1,
                        maxLength))
                .bind(Form::getName, Form::setName);
        Form form = new Form();
        form.setName(current);
        binder.readBean(form);
        name.setId("rename-name");
        name.setWidthFull();
        error.setId("rename-error");
        error.getElement().setAttribute("role", "alert");
        error.getStyle().set("color", "var(--lumo-error-text-color)");
        save.setId("rename-save");
        save.addThemeVariants(ButtonVariant.LUMO_PRIMARY);
        save.addClickShortcut(Key.ENTER);
        save.addClickListener(e -> {
            if (binder.writeBeanIfValid(form)) {
                try {
                    rename.accept(form.getName().strip());
                    close();
                } catch (CoreError failure) {
                    error.setText(failure.getMessage());
                }
            }
        });
        Button cancel = new Button("Cancel", e -> close());
        add(name, error);
        getFooter().add(cancel, save);
        addOpenedChangeListener(e -> name.focus());
    }
}
