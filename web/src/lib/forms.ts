import type { FormInstance } from 'antd';

/**
 * The form's values once every field passes its rules, or null: antd shows each failure under its
 * field, so a failed validation is not an error for the page (awaiting `validateFields` directly
 * leaves its rejection unhandled, an uncaught error in the console).
 */
export async function validValues<T>(form: FormInstance<T>): Promise<T | null> {
  try {
    return await form.validateFields();
  } catch (err) {
    if (err && typeof err === 'object' && 'errorFields' in err) return null;
    throw err;
  }
}
